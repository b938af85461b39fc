/**
 * A VM's disks as `query-block` shows them: the fixed (not removable), writable ones with a medium, each with its
 * format node (what snapshot and backup commands name), its format, its file and its internal snapshots. Works
 * for every VM, defined or not: `-blockdev` node names and `-drive` `#blockNNN` names alike.
 */
import type { ReturnOf } from '@qmpdeck/qmp';

export type BlockInfo = ReturnOf<'query-block'>[number];
export type InternalSnapshot = NonNullable<NonNullable<BlockInfo['inserted']>['image']['snapshots']>[number];

export interface VmDisk {
  /** The drive as people know it: its `-drive` id, else the device's qdev path. */
  drive: string;
  /** The format node (`drvA`, `#block123`). */
  node: string;
  format: string;
  /** The image file on the host. */
  file: string;
  /** Bytes the guest sees. */
  virtualSize: number;
  snapshots: InternalSnapshot[];
  /** Names of its dirty bitmaps (an incremental backup's `qmpdeck-backup`). */
  bitmaps: string[];
}

export function vmDisks(blocks: readonly BlockInfo[]): VmDisk[] {
  return blocks.flatMap((block) => {
    const inserted = block.inserted;
    if (block.removable || !inserted || inserted.ro || inserted['node-name'] === undefined) return [];
    return [
      {
        drive: block.device || block.qdev || inserted['node-name'],
        node: inserted['node-name'],
        format: inserted.drv,
        file: inserted.file,
        virtualSize: inserted.image['virtual-size'],
        snapshots: inserted.image.snapshots ?? [],
        bitmaps: (inserted['dirty-bitmaps'] ?? []).flatMap((bitmap) => (bitmap.name ? [bitmap.name] : [])),
      },
    ];
  });
}

/** The disks internal snapshots can be taken of. */
export function qcow2Disks(disks: readonly VmDisk[]): VmDisk[] {
  return disks.filter((disk) => disk.format === 'qcow2');
}
