/**
 * The storage locations of the config: directories of disk images, ISOs, backups and dumps, each named by an id.
 * Files in them are addressed as `STORAGE:FILE` (`local:debian.iso`) and resolved only inside their location
 * (storage-paths.ts). A location's directory is made at start when missing.
 */
import { mkdirSync, statfsSync } from 'node:fs';
import { BridgeErrorClass, type StorageContent, type StorageLocation } from '@qmpdeck/protocol';
import { BridgeError } from '../bridge-error.ts';
import type { StorageConfig } from '../config/schema.ts';
import type { Logger } from '../log.ts';

export const storageNotFound = (id: string): BridgeError =>
  new BridgeError(BridgeErrorClass.StorageNotFound, `no storage location "${id}"`, 404);

export class StorageLocations {
  readonly #byId = new Map<string, StorageConfig>();

  constructor(configs: readonly StorageConfig[], log: Logger) {
    for (const location of configs) {
      this.#byId.set(location.id, location);
      try {
        mkdirSync(location.path, { recursive: true, mode: 0o750 });
      } catch (err) {
        log.warn(
          { storage: location.id, path: location.path, err },
          'storage location directory cannot be made',
        );
      }
    }
  }

  all(): StorageConfig[] {
    return [...this.#byId.values()];
  }

  get(id: string): StorageConfig {
    const location = this.#byId.get(id);
    if (!location) throw storageNotFound(id);
    return location;
  }

  /** Where new disks go by default: the first location holding `content`. */
  firstFor(content: StorageContent): StorageConfig | undefined {
    return this.all().find((location) => location.content.includes(content));
  }

  /** `GET /api/storage`: each location with its file system's size and free space (null when unknown). */
  describe(): StorageLocation[] {
    return this.all().map((location) => {
      let total: number | null = null;
      let free: number | null = null;
      try {
        const stats = statfsSync(location.path);
        total = stats.blocks * stats.bsize;
        free = stats.bavail * stats.bsize;
      } catch {
        // A location whose directory is gone or unreadable: listed, its space unknown (its files say why).
      }
      return { id: location.id, path: location.path, content: [...location.content], total, free };
    });
  }
}

/** `local:debian.iso` -> its parts (an ImageRef is already checked by the protocol's schema). */
export function parseImageRef(ref: string): { storage: string; name: string } {
  const colon = ref.indexOf(':');
  return { storage: ref.slice(0, colon), name: ref.slice(colon + 1) };
}
