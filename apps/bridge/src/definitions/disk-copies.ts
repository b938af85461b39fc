/**
 * The disks of a VM made from another's (a clone, a backup restored as a new VM): each copied in full with
 * `qemu-img convert` into a hidden temporary file in its storage location, with the job's progress, then given
 * its name next to the others (`<vm>-disk<N>.<ext>`), and the new VM's definition saved with them. If a copy fails
 * or the job is cancelled, every file made so far goes, and the new VM with them.
 */
import { existsSync, linkSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { DiskDefinition, VmDefinition } from '@qmpdeck/protocol';
import type { StorageConfig } from '../config/schema.ts';
import type { JobProgress } from '../jobs/job-registry.ts';
import { qemuImgConvert } from '../storage/qemu-img.ts';
import { locationRoot, newFilePath } from '../storage/storage-paths.ts';
import type { VmSupervisor } from '../vms/vm-supervisor.ts';
import type { DefinedVms } from './defined-vms.ts';

export interface DiskCopy {
  index: number;
  /** The source VM's disk: its format is the copy's. */
  source: { path: string; format: string };
  /** What is read: the disk itself, or its backup image. */
  input: { path: string; format: string };
  virtualSize: number;
  location: StorageConfig;
  temp: string;
  /** The name it took, once in place. */
  name: string | null;
}

/**
 * Copies `copies` for the new VM `draft` (listed already as `vm`, held until this ends), places them, runs
 * `beforeSave` (what else the VM needs, its UEFI variables), saves the definition and lets the VM go.
 */
export async function copyDisksOfNewVm(
  defined: DefinedVms,
  vm: VmSupervisor,
  draft: VmDefinition,
  copies: readonly DiskCopy[],
  job: { progress: JobProgress; signal: AbortSignal; beforeSave?: () => void },
): Promise<void> {
  try {
    let done = 0;
    for (const copy of copies) {
      await qemuImgConvert(
        copy.input,
        { path: copy.temp, format: copy.source.format },
        {
          signal: job.signal,
          onProgress: (fraction) => job.progress.progress(done + fraction * copy.virtualSize),
        },
      );
      done += copy.virtualSize;
    }
    const disks = copies.map((copy) => placeCopy(copy, draft.id, draft.disks[copy.index] as DiskDefinition));
    job.beforeSave?.();
    defined.save({ ...draft, disks });
    vm.hold(null);
  } catch (err) {
    for (const copy of copies) {
      rmSync(copy.temp, { force: true });
      if (copy.name !== null) rmSync(join(locationRoot(copy.location), copy.name), { force: true });
    }
    await defined.forget(draft.id);
    throw err;
  }
}

/** The copy takes the first free name `<vm>-disk<N>.<ext>`, never another file's. */
function placeCopy(copy: DiskCopy, vm: string, disk: DiskDefinition): DiskDefinition {
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
