/**
 * `GET /api/storage/:id/files`: the visible regular files of a location (not the bridge's hidden temporary files,
 * not what a symlink leads to outside it, not directories), each with its size, time, image format and virtual
 * size (qemu-img info, remembered while the file's size and time stay the same) and the VMs that use it.
 */
import { readdirSync, statSync } from 'node:fs';
import type { StorageFile } from '@qmpdeck/protocol';
import type { StorageConfig } from '../config/schema.ts';
import type { FileUsage, FileUser } from './file-usage.ts';
import { type ImageInfo, qemuImgInfo } from './qemu-img.ts';
import type { StorageLocations } from './storage-locations.ts';
import { existingFile, locationRoot } from './storage-paths.ts';

interface CachedInfo {
  mtimeMs: number;
  size: number;
  info: ImageInfo | null;
}

export class StorageFiles {
  readonly #info = new Map<string, CachedInfo>();

  constructor(
    readonly locations: StorageLocations,
    readonly usage: FileUsage,
  ) {}

  /** Sorted by name; `sees`: the caller's VM scope (VMs out of it are left out of `usedBy`). */
  async list(id: string, sees: (vm: string) => boolean): Promise<StorageFile[]> {
    const location = this.locations.get(id);
    const uses = await this.usage.all();
    const names = readdirSync(locationRoot(location))
      .filter((name) => !name.startsWith('.'))
      .sort();
    const files: StorageFile[] = [];
    for (const name of names) {
      let path: string;
      try {
        path = existingFile(location, name);
      } catch {
        continue; // a directory, a link out of the location, a dangling link: not a file of the location
      }
      files.push(await this.#describe(location, name, path, uses.get(path) ?? [], sees));
    }
    return files;
  }

  async describe(id: string, name: string, sees: (vm: string) => boolean): Promise<StorageFile> {
    const location = this.locations.get(id);
    const path = existingFile(location, name);
    return this.#describe(location, name, path, await this.usage.usersOf(path), sees);
  }

  /** The file's format and virtual size, or null when qemu-img cannot read it. */
  async info(path: string): Promise<ImageInfo | null> {
    const stat = statSync(path);
    const cached = this.#info.get(path);
    if (cached && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size) return cached.info;
    const info = await qemuImgInfo(path).catch(() => null);
    this.#info.set(path, { mtimeMs: stat.mtimeMs, size: stat.size, info });
    return info;
  }

  async #describe(
    location: StorageConfig,
    name: string,
    path: string,
    users: readonly FileUser[],
    sees: (vm: string) => boolean,
  ): Promise<StorageFile> {
    const stat = statSync(path);
    const info = await this.info(path);
    return {
      storage: location.id,
      name,
      ref: `${location.id}:${name}`,
      size: stat.size,
      virtualSize: info?.virtualSize ?? null,
      format: info?.format ?? null,
      modified: Math.round(stat.mtimeMs),
      usedBy: [...new Set(users.map((user) => user.vm))].filter(sees),
    };
  }
}
