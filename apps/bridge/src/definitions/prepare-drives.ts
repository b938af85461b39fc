/**
 * A definition's drives made real before it is stored: each named image checked (where it is, what it is, whose
 * it is: images.ts), each new disk (`size`) made in its storage location and named in place of its size, so a
 * stored definition names every file it uses. The same file twice in one VM is refused. What was made is listed
 * in `made`, so a step that fails later can remove it again.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { DiskDefinition, VmDefinition } from '@qmpdeck/protocol';
import { badRequest } from '../bridge-error.ts';
import type { StorageConfig } from '../config/schema.ts';
import { locationRoot } from '../storage/storage-paths.ts';
import type { Images } from './images.ts';

export interface MadeDisk {
  location: StorageConfig;
  name: string;
}

export async function prepareDrives(
  images: Images,
  definition: VmDefinition,
  made: MadeDisk[],
): Promise<VmDefinition> {
  const seen = new Map<string, string>();
  const once = (path: string, field: string) => {
    const first = seen.get(path);
    if (first !== undefined) throw badRequest(`${field}: the same file as ${first}`);
    seen.set(path, field);
  };
  const disks: DiskDefinition[] = [];
  for (const [index, disk] of definition.disks.entries()) {
    const field = `disks[${index}]`;
    if (disk.size !== undefined) {
      const location = images.diskLocation(disk.storage, field);
      const format = disk.format ?? 'qcow2';
      const name = await images.create(location, definition.id, index, format, disk.size);
      made.push({ location, name });
      const { size: _size, storage: _storage, ...rest } = disk;
      disks.push({ ...rest, image: `${location.id}:${name}`, format });
      continue;
    }
    const ref = disk.image as string;
    const { path } = await images.disk(ref, disk.format, `${field}.image`);
    once(path, `${field}.image`);
    await images.claim(path, 'disk', definition.id, ref, `${field}.image`);
    disks.push(disk);
  }
  for (const [index, cdrom] of definition.cdroms.entries()) {
    if (cdrom.image === undefined) continue;
    const field = `cdroms[${index}].image`;
    const path = images.path(cdrom.image, 'iso', field);
    once(path, field);
    await images.claim(path, 'cdrom', definition.id, cdrom.image, field);
  }
  return { ...definition, disks };
}

/** Removes disks made for a definition that was not stored after all. */
export function removeMade(made: readonly MadeDisk[]): void {
  for (const { location, name } of made) rmSync(join(locationRoot(location), name), { force: true });
}
