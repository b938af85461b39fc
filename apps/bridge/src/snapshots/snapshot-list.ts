/**
 * A VM's internal snapshots, one per name across its qcow2 disks (a snapshot with RAM lives on all of them and
 * holds the RAM state on the first), newest first.
 */
import type { Snapshot } from '@qmpdeck/protocol';
import type { SnapshotNotes } from './snapshot-notes.ts';
import { qcow2Disks, type VmDisk } from './vm-disks.ts';

export function snapshotList(vm: string, disks: readonly VmDisk[], notes: SnapshotNotes): Snapshot[] {
  const byName = new Map<string, Snapshot>();
  for (const disk of qcow2Disks(disks)) {
    for (const snap of disk.snapshots) {
      const seen = byName.get(snap.name);
      const time = snap['date-sec'] * 1000 + Math.floor(snap['date-nsec'] / 1e6);
      if (seen) {
        seen.disks.push(disk.drive);
        seen.vmStateSize = Math.max(seen.vmStateSize, snap['vm-state-size']);
        continue;
      }
      byName.set(snap.name, {
        name: snap.name,
        description: notes.get(vm, snap.name),
        time,
        vmStateSize: snap['vm-state-size'],
        vmClockSeconds: snap['vm-clock-sec'] + snap['vm-clock-nsec'] / 1e9,
        disks: [disk.drive],
      });
    }
  }
  return [...byName.values()].sort((a, b) => b.time - a.time);
}
