/**
 * `vm.clone` (`POST /api/vms/:id/clone`): a stopped VM copied whole. Its disks are copied in full with
 * `qemu-img convert` (as a `clone` job with its progress, into hidden temporary files that take their names at
 * the end), into the same storage locations as the source's, named after the new VM; CD-ROMs keep their ISOs
 * (shared, read-only); the NICs get new MACs; the UEFI variables are copied. The new VM is listed at once,
 * stopped and held (its start refused) until its disks are there; if the copy fails or is cancelled, it is
 * removed again with whatever was copied. Answers 202 `{ job, vm }`.
 */
import { copyFileSync, existsSync } from 'node:fs';
import { CloneRequest, type CloneResponse, type VmDefinition } from '@qmpdeck/protocol';
import { badRequest } from '../bridge-error.ts';
import type { CommandRequest } from '../commands/command-request.ts';
import { describeIssue } from '../config/load.ts';
import { tempPath } from '../storage/storage-paths.ts';
import type { VmSupervisor } from '../vms/vm-supervisor.ts';
import { type DefinedVms, vmRunning } from './defined-vms.ts';
import { copyDisksOfNewVm, type DiskCopy } from './disk-copies.ts';
import { withMacs } from './mac-address.ts';

export async function cloneVm(
  defined: DefinedVms,
  source: VmSupervisor,
  request: CommandRequest,
): Promise<CloneResponse> {
  const from = defined.require(source);
  const parsed = CloneRequest.safeParse(request.arguments ?? {});
  if (!parsed.success)
    throw badRequest(`invalid clone request: ${parsed.error.issues.map(describeIssue).join('; ')}`);
  if (source.process?.running)
    throw vmRunning(
      `VM "${source.id}" is running: stop it before cloning (a running VM's disks are not consistent)`,
    );
  const { id, name } = parsed.data;
  const release = defined.reserve(id, request.principal);
  const { images, jobs, log } = defined.deps;
  let copies: DiskCopy[];
  try {
    copies = await Promise.all(
      from.disks.map(async (disk, index) => {
        const ref = disk.image as string;
        const resolved = await images.disk(ref, disk.format, `disks[${index}].image`);
        const info = await defined.deps.images.files.info(resolved.path);
        const { location } = images.location(ref, 'disk', `disks[${index}].image`);
        return {
          index,
          source: resolved,
          input: resolved,
          virtualSize: info?.virtualSize ?? 0,
          location,
          temp: tempPath(location, 'clone'),
          name: null,
        };
      }),
    );
  } catch (err) {
    release();
    throw err;
  }
  const draft: VmDefinition = {
    ...from,
    id,
    name: name ?? `${from.name} (clone)`,
    autostart: false,
    nics: withMacs(from.nics.map(({ mac: _, ...nic }) => nic)),
  };
  const vm = defined.add(draft, `its disks are being copied from "${source.id}"`);
  release();
  const total = copies.reduce((sum, copy) => sum + copy.virtualSize, 0);
  const { job } = jobs.start(
    {
      kind: 'clone',
      vm: id,
      user: request.actor.user,
      command: request.command,
      description: `Clone of ${source.id} as ${id}`,
      total,
    },
    async (progress, signal) => {
      const vars = defined.deps.store.varsPath(source.id);
      await copyDisksOfNewVm(defined, vm, draft, copies, {
        progress,
        signal,
        beforeSave: () => {
          if (existsSync(vars)) copyFileSync(vars, defined.deps.store.varsPath(id));
        },
      });
      log.info({ vm: id, from: source.id, user: request.actor.user }, 'VM cloned');
    },
  );
  vm.hold(`its disks are being copied from "${source.id}" (job ${job.id})`);
  return { job, vm: vm.snapshot() };
}
