/**
 * Where a hibernated VM's state is kept: `hibernate-<vm>.state` in the first storage location holding backups,
 * so it outlives a host reboot (the runtime directory may be a tmpfs). Its presence is what makes the VM
 * hibernated, for this bridge and the next.
 */
import { existsSync } from 'node:fs';
import { BridgeErrorClass } from '@qmpdeck/protocol';
import { backupLocation, locationPath } from '../backups/backup-files.ts';
import { BridgeError } from '../bridge-error.ts';
import type { StorageConfig } from '../config/schema.ts';

export function hibernationPath(storage: readonly StorageConfig[], vm: string): string {
  let location: StorageConfig;
  try {
    location = backupLocation(storage, undefined);
  } catch {
    throw new BridgeError(
      BridgeErrorClass.Conflict,
      'no storage location to hibernate into: give one `"content": ["backup"]` in the config',
      409,
    );
  }
  return locationPath(location, `hibernate-${vm}.state`);
}

/** Whether `vm` has a saved state waiting (false when there is nowhere to keep one). */
export function isHibernated(storage: readonly StorageConfig[], vm: string): boolean {
  if (!storage.some((s) => s.content.includes('backup'))) return false;
  return existsSync(hibernationPath(storage, vm));
}
