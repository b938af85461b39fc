/**
 * `backup.restore` with `{ as }`: a backup becomes a new VM, as a clone is made (definitions/clone-vm.ts): the
 * source VM's definition (it must be one the bridge owns) with new MACs under the new id, listed at once, stopped
 * and held while each of its disks is copied from the backup image (`qemu-img convert`, a `restore` job with
 * progress) into the disk's own location and format; if the copy fails or is cancelled the new VM goes again.
 * Each definition disk is matched with its backup image by the file the backup was taken from.
 */

import { BridgeErrorClass, type Job, type VmDefinition } from '@qmpdeck/protocol';
import { BridgeError } from '../bridge-error.ts';
import type { CommandRequest } from '../commands/command-request.ts';
import type { StorageConfig } from '../config/schema.ts';
import type { DefinedVms } from '../definitions/defined-vms.ts';
import { copyDisksOfNewVm, type DiskCopy } from '../definitions/disk-copies.ts';
import { withMacs } from '../definitions/mac-address.ts';
import { tempPath } from '../storage/storage-paths.ts';
import type { VmSupervisor } from '../vms/vm-supervisor.ts';
import { type BackupManifest, locationPath } from './backup-files.ts';

export async function restoreAsNew(
  defined: DefinedVms,
  source: VmSupervisor,
  request: CommandRequest,
  manifest: BackupManifest,
  backupLocation: StorageConfig,
  id: string,
): Promise<Job> {
  const from = defined.require(source);
  const release = defined.reserve(id, request.principal);
  const { images, jobs, log } = defined.deps;
  const copies: DiskCopy[] = [];
  try {
    for (const [index, disk] of from.disks.entries()) {
      const ref = disk.image as string;
      const resolved = await images.disk(ref, disk.format, `disks[${index}].image`);
      const saved = manifest.disks.find((candidate) => candidate.source === resolved.path);
      if (!saved) {
        throw new BridgeError(
          BridgeErrorClass.Conflict,
          `backup "${manifest.id}" has no copy of disk ${index} (${ref}): it was taken before that disk was added`,
          409,
        );
      }
      const { location } = images.location(ref, 'disk', `disks[${index}].image`);
      copies.push({
        index,
        source: { path: resolved.path, format: resolved.format },
        input: { path: locationPath(backupLocation, saved.file), format: 'qcow2' },
        virtualSize: saved.virtualSize,
        location,
        temp: tempPath(location, 'restore'),
        name: null,
      });
    }
  } catch (err) {
    release();
    throw err;
  }
  const draft: VmDefinition = {
    ...from,
    id,
    name: `${from.name} (restored from ${new Date(manifest.time).toISOString()})`,
    autostart: false,
    nics: withMacs(from.nics.map(({ mac: _, ...nic }) => nic)),
  };
  const vm = defined.add(draft, `its disks are being restored from backup "${manifest.id}"`);
  release();
  const { job } = jobs.start(
    {
      kind: 'restore',
      vm: id,
      user: request.actor.user,
      command: request.command,
      description: `Restore ${manifest.id} as the new VM ${id}`,
      total: copies.reduce((sum, copy) => sum + copy.virtualSize, 0),
    },
    async (progress, signal) => {
      await copyDisksOfNewVm(defined, vm, draft, copies, { progress, signal });
      log.info({ vm: id, backup: manifest.id, user: request.actor.user }, 'VM restored from a backup');
    },
  );
  return job;
}
