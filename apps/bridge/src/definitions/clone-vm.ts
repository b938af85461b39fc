/**
 * `vm.clone` (`POST /api/vms/:id/clone`): a stopped VM copied whole. Its disks are copied in full with
 * `qemu-img convert` (as a `clone` job with its progress, into hidden temporary files that take their names at
 * the end), into the same storage locations as the source's, named after the new VM; CD-ROMs keep their ISOs
 * (shared, read-only); the NICs get new MACs; the UEFI variables are copied. The new VM is listed at once,
 * stopped and held (its start refused) until its disks are there; if the copy fails or is cancelled, it is
 * removed again with whatever was copied. Answers 202 `{ job, vm }`.
 */
import { copyFileSync, existsSync, linkSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CloneRequest, type CloneResponse, type DiskDefinition, type VmDefinition } from '@qmpdeck/protocol';
import { badRequest } from '../bridge-error.ts';
import type { CommandRequest } from '../commands/command-request.ts';
import { describeIssue } from '../config/load.ts';
import type { StorageConfig } from '../config/schema.ts';
import { qemuImgConvert } from '../storage/qemu-img.ts';
import { locationRoot, newFilePath, tempPath } from '../storage/storage-paths.ts';
import type { VmSupervisor } from '../vms/vm-supervisor.ts';
import { type DefinedVms, vmRunning } from './defined-vms.ts';
import { withMacs } from './mac-address.ts';

export interface DiskCopy {
  index: number;
  source: { path: string; format: string };
  virtualSize: number;
  location: StorageConfig;
  temp: string;
  /** The name it took, once in place. */
  name: string | null;
}

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
      try {
        let done = 0;
        for (const copy of copies) {
          await qemuImgConvert(
            copy.source,
            { path: copy.temp, format: copy.source.format },
            {
              signal,
              onProgress: (fraction) => progress.progress(done + fraction * copy.virtualSize),
            },
          );
          done += copy.virtualSize;
        }
        const disks = copies.map((copy) => placeCopy(copy, id, from.disks[copy.index] as DiskDefinition));
        const vars = defined.deps.store.varsPath(source.id);
        if (existsSync(vars)) copyFileSync(vars, defined.deps.store.varsPath(id));
        defined.save({ ...draft, disks });
        vm.hold(null);
        log.info({ vm: id, from: source.id, user: request.actor.user }, 'VM cloned');
      } catch (err) {
        for (const copy of copies) {
          rmSync(copy.temp, { force: true });
          if (copy.name !== null) rmSync(join(locationRoot(copy.location), copy.name), { force: true });
        }
        await defined.forget(id);
        throw err;
      }
    },
  );
  vm.hold(`its disks are being copied from "${source.id}" (job ${job.id})`);
  return { job, vm: vm.snapshot() };
}

/** The copy takes the first free name `<vm>-disk<N>.<ext>`, never another file's. */
export function placeCopy(copy: DiskCopy, vm: string, disk: DiskDefinition): DiskDefinition {
  const extension = copy.source.format === 'qcow2' ? 'qcow2' : 'img';
  for (let n = copy.index; ; n++) {
    const name = `${vm}-disk${n}.${extension}`;
    const path = newFilePath(copy.location, name);
    if (existsSync(path)) continue;
    try {
      linkSync(copy.temp, path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw err;
    }
    rmSync(copy.temp, { force: true });
    copy.name = name;
    return { ...disk, image: `${copy.location.id}:${name}`, format: copy.source.format as 'qcow2' | 'raw' };
  }
}
