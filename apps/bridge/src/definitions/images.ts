/**
 * The files a definition names, checked where they are: an image reference resolves to a file inside its storage
 * location (of the right content), a disk image must be qcow2 or raw and stand alone (a backing file or external
 * data file would be opened with it: a way out of the location), and a disk may be one VM's only (an ISO may be
 * shared). New disks are made here with `qemu-img create`, under a name that was free, never over a file.
 */
import { linkSync, rmSync } from 'node:fs';
import { BridgeErrorClass, type StorageContent } from '@qmpdeck/protocol';
import { BridgeError, badRequest, toErrorBody } from '../bridge-error.ts';
import type { StorageConfig } from '../config/schema.ts';
import type { FileUsage } from '../storage/file-usage.ts';
import { qemuImgCreate } from '../storage/qemu-img.ts';
import type { StorageFiles } from '../storage/storage-files.ts';
import { parseImageRef, type StorageLocations } from '../storage/storage-locations.ts';
import { existingFile, newFilePath, tempPath } from '../storage/storage-paths.ts';

export type ImageFormat = 'qcow2' | 'raw';

export interface ResolvedImage {
  path: string;
  format: ImageFormat;
}

export const inUseBy = (field: string, ref: string, vm: string): BridgeError =>
  new BridgeError(BridgeErrorClass.InUse, `${field}: ${ref} is in use by VM "${vm}"`, 409);

export class Images {
  constructor(
    readonly locations: StorageLocations,
    readonly files: StorageFiles,
    readonly usage: FileUsage,
  ) {}

  /** The location of `ref` if it holds `content`; BadRequest naming `field` otherwise. */
  location(ref: string, content: StorageContent, field: string): { location: StorageConfig; name: string } {
    const { storage, name } = parseImageRef(ref);
    const location = this.locations.all().find((candidate) => candidate.id === storage);
    if (!location) throw badRequest(`${field}: no storage location "${storage}"`);
    if (!location.content.includes(content)) {
      throw badRequest(
        `${field}: storage "${storage}" does not hold ${content === 'disk' ? 'disks' : 'ISOs'} (its content: ${location.content.join(', ')})`,
      );
    }
    return { location, name };
  }

  /** The real path of the file `ref` names; its problems as BadRequest naming `field`. */
  path(ref: string, content: StorageContent, field: string): string {
    const { location, name } = this.location(ref, content, field);
    try {
      return existingFile(location, name, field);
    } catch (err) {
      const { body } = toErrorBody(err);
      throw badRequest(body.desc.startsWith(`${field}:`) ? body.desc : `${field}: ${body.desc}`);
    }
  }

  /** A disk image ready for QEMU: a qcow2 or raw file of its own, its format as given or as qemu-img reads it. */
  async disk(ref: string, given: ImageFormat | undefined, field: string): Promise<ResolvedImage> {
    const path = this.path(ref, 'disk', field);
    const info = await this.files.info(path);
    if (info === null)
      throw badRequest(`${field}: ${ref} cannot be read as a disk image (qemu-img info failed)`);
    if (info.dependsOn !== null) {
      throw badRequest(
        `${field}: ${ref} depends on another file (${info.dependsOn}); only a standalone image can be used (qemu-img convert makes one)`,
      );
    }
    const format = given ?? info.format;
    if (format !== 'qcow2' && format !== 'raw') {
      throw badRequest(
        `${field}: ${ref} is a ${format} image; only qcow2 and raw can be used (qemu-img convert -O qcow2 makes one)`,
      );
    }
    return { path, format };
  }

  /** Refuses a file another VM holds: any use for a disk, a disk or a writer for an ISO. */
  async claim(path: string, as: 'disk' | 'cdrom', vm: string, ref: string, field: string): Promise<void> {
    const holder = await this.usage.holderFor(path, as, vm);
    if (holder !== null) throw inUseBy(field, ref, holder);
  }

  /**
   * A new empty disk in `location`: `<vm>-disk<N>.qcow2` (`.img` for raw) with the first free N from `index`,
   * made under a hidden name and linked into place (a name taken meanwhile is skipped, never overwritten).
   */
  async create(
    location: StorageConfig,
    vm: string,
    index: number,
    format: ImageFormat,
    bytes: number,
  ): Promise<string> {
    const extension = format === 'qcow2' ? 'qcow2' : 'img';
    const temp = tempPath(location, 'disk');
    try {
      await qemuImgCreate(temp, format, bytes);
      for (let n = index; ; n++) {
        const name = `${vm}-disk${n}.${extension}`;
        try {
          linkInto(temp, newFilePath(location, name), location.id);
          return name;
        } catch (err) {
          if ((err as BridgeError).class !== BridgeErrorClass.FileExists) throw err;
        }
      }
    } finally {
      rmSync(temp, { force: true });
    }
  }

  /** The default location of new disks: the first holding disks. */
  diskLocation(storage: string | undefined, field: string): StorageConfig {
    if (storage !== undefined) return this.location(`${storage}:x`, 'disk', `${field}.storage`).location;
    const location = this.locations.firstFor('disk');
    if (!location) {
      throw badRequest(
        `${field}: no storage location holds disks; add one with "content": ["disk"] to the config's "storage"`,
      );
    }
    return location;
  }
}

/** Links the made file to `path`; a name taken meanwhile is FileExists (the next name is tried with the same file). */
function linkInto(temp: string, path: string, storage: string): void {
  try {
    linkSync(temp, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new BridgeError(BridgeErrorClass.FileExists, `storage "${storage}": the name is taken`, 409);
    }
    throw err;
  }
}
