/**
 * Backups on disk: in a storage location holding `backup` content, each backup is its images
 * (`backup-<vm>-<UTC time>-<n>.qcow2`, one per disk) and a manifest beside them (`backup-<vm>-<UTC time>.json`)
 * written once the images are complete: a backup without its manifest (one under way, cancelled, failed) is never
 * listed. The time's fixed form keeps the VM's part of a name unambiguous.
 */
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Backup, BridgeErrorClass } from '@qmpdeck/protocol';
import { BridgeError } from '../bridge-error.ts';
import type { StorageConfig } from '../config/schema.ts';

const STAMP = '\\d{4}-\\d\\d-\\d\\dT\\d\\d-\\d\\d-\\d\\d-\\d{3}Z';

/** What the manifest keeps: the backup as listed, and where its disks came from (for a restore over them). */
export interface BackupManifest {
  id: string;
  vm: string;
  storage: string;
  time: number;
  user: string | null;
  disks: { drive: string; file: string; virtualSize: number; source: string; format: string }[];
  /** Only what changed since `base` (a dirty bitmap); its images have the base's as backing files. */
  incremental?: boolean | undefined;
  base?: string | null | undefined;
  /** The disks' dirty bitmap was (re)started with this backup: an incremental one may build on it. */
  bitmap?: boolean | undefined;
}

export function backupLocation(storage: readonly StorageConfig[], id: string | undefined): StorageConfig {
  if (id !== undefined) {
    const named = storage.find((s) => s.id === id);
    if (!named) throw new BridgeError(BridgeErrorClass.StorageNotFound, `no storage location "${id}"`, 404);
    if (!named.content.includes('backup')) {
      throw new BridgeError(
        BridgeErrorClass.Conflict,
        `storage location "${id}" does not hold backups (its content has no "backup")`,
        409,
      );
    }
    return named;
  }
  const first = storage.find((s) => s.content.includes('backup'));
  if (!first) {
    throw new BridgeError(
      BridgeErrorClass.Conflict,
      'no storage location holds backups: give one `"content": ["backup"]` in the config',
      409,
    );
  }
  return first;
}

export function newBackupId(vm: string, now = new Date()): string {
  return `backup-${vm}-${now.toISOString().replace(/[:.]/g, '-')}`;
}

export function imageName(id: string, index: number): string {
  return `${id}-${index}.qcow2`;
}

export function locationPath(location: StorageConfig, name: string): string {
  return join(resolve(location.path), name);
}

function isBackupOf(vm: string, id: string): boolean {
  const prefix = `backup-${vm}-`;
  return id.startsWith(prefix) && new RegExp(`^${STAMP}$`).test(id.slice(prefix.length));
}

export function writeManifest(location: StorageConfig, manifest: BackupManifest): void {
  writeFileSync(locationPath(location, `${manifest.id}.json`), `${JSON.stringify(manifest, null, 2)}\n`);
}

/** The VM's complete backups in every location that holds backups, newest first. */
export function listManifests(storage: readonly StorageConfig[], vm: string): BackupManifest[] {
  return storage
    .filter((s) => s.content.includes('backup'))
    .flatMap((location) => {
      let names: string[];
      try {
        names = readdirSync(resolve(location.path));
      } catch (err) {
        // A location whose directory is missing holds nothing yet.
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw err;
      }
      return names.flatMap((name) => {
        if (!name.endsWith('.json') || !isBackupOf(vm, name.slice(0, -'.json'.length))) return [];
        return [JSON.parse(readFileSync(locationPath(location, name), 'utf8')) as BackupManifest];
      });
    })
    .sort((a, b) => b.time - a.time);
}

export function toBackup(storage: readonly StorageConfig[], manifest: BackupManifest): Backup {
  const location = storage.find((s) => s.id === manifest.storage);
  const disks = manifest.disks.map((disk) => ({
    drive: disk.drive,
    file: `${manifest.storage}:${disk.file}`,
    size: location ? (statSync(locationPath(location, disk.file), { throwIfNoEntry: false })?.size ?? 0) : 0,
  }));
  return {
    id: manifest.id,
    vm: manifest.vm,
    storage: manifest.storage,
    time: manifest.time,
    size: disks.reduce((sum, disk) => sum + disk.size, 0),
    user: manifest.user,
    disks,
    incremental: manifest.incremental ?? false,
    base: manifest.base ?? null,
  };
}

export function findManifest(storage: readonly StorageConfig[], vm: string, id: string): BackupManifest {
  const found = listManifests(storage, vm).find((manifest) => manifest.id === id);
  if (!found) throw new BridgeError(BridgeErrorClass.BackupNotFound, `VM "${vm}" has no backup "${id}"`, 404);
  return found;
}

/** Removes a backup: its manifest first (it leaves the listing at once), then its images. */
export function removeBackup(storage: readonly StorageConfig[], manifest: BackupManifest): void {
  const child = listManifests(storage, manifest.vm).find((other) => other.base === manifest.id);
  if (child) {
    throw new BridgeError(
      BridgeErrorClass.Conflict,
      `backup "${child.id}" builds on "${manifest.id}" (incremental): delete it first`,
      409,
    );
  }
  const location = storage.find((s) => s.id === manifest.storage) as StorageConfig;
  rmSync(locationPath(location, `${manifest.id}.json`), { force: true });
  for (const disk of manifest.disks) rmSync(locationPath(location, disk.file), { force: true });
}
