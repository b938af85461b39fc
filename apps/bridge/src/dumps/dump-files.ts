/**
 * Memory dumps are files in a storage location holding `dump` content (else the first holding `backup`), named
 * `dump-<vm>-<UTC time>.elf`: the time's fixed form makes the VM's part of a name unambiguous, so a VM's dumps
 * are found by name alone, and a name from a URL is only ever one of them.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BridgeErrorClass, type MemoryDump } from '@qmpdeck/protocol';
import { BridgeError } from '../bridge-error.ts';
import type { StorageConfig } from '../config/schema.ts';

const STAMP = /^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z$/;

export function dumpLocation(storage: readonly StorageConfig[]): StorageConfig {
  const location =
    storage.find((s) => s.content.includes('dump')) ?? storage.find((s) => s.content.includes('backup'));
  if (!location) {
    throw new BridgeError(
      BridgeErrorClass.Conflict,
      'no storage location holds memory dumps: give one `"content": ["dump"]` in the config',
      409,
    );
  }
  return location;
}

export function newDumpName(vm: string, now = new Date()): string {
  return `dump-${vm}-${now.toISOString().replace(/[:.]/g, '-')}.elf`;
}

/** The time a dump of `vm` was made, from its name; null when the name is not one of its dumps. */
export function dumpTime(vm: string, name: string): number | null {
  const prefix = `dump-${vm}-`;
  if (!name.startsWith(prefix) || !name.endsWith('.elf')) return null;
  const stamp = name.slice(prefix.length, -'.elf'.length);
  if (!STAMP.test(stamp)) return null;
  const [date, time] = stamp.split('T') as [string, string];
  const [h, m, s, ms] = time.replace('Z', '').split('-');
  return Date.parse(`${date}T${h}:${m}:${s}.${ms}Z`);
}

export function dumpPath(location: StorageConfig, name: string): string {
  return join(resolve(location.path), name);
}

/** The VM's dumps, newest first. */
export function listDumps(storage: readonly StorageConfig[], vm: string): MemoryDump[] {
  const location = dumpLocation(storage);
  return readdirSync(resolve(location.path))
    .flatMap((name) => {
      const time = dumpTime(vm, name);
      if (time === null) return [];
      const size = statSync(dumpPath(location, name), { throwIfNoEntry: false })?.size;
      return size === undefined ? [] : [{ name, vm, storage: location.id, time, size }];
    })
    .sort((a, b) => b.time - a.time);
}

/** The path of one of the VM's dumps; 404 FileNotFound for any other name. */
export function existingDump(storage: readonly StorageConfig[], vm: string, name: string): string {
  const location = dumpLocation(storage);
  const path = dumpPath(location, name);
  if (dumpTime(vm, name) === null || !statSync(path, { throwIfNoEntry: false })?.isFile()) {
    throw new BridgeError(BridgeErrorClass.FileNotFound, `VM "${vm}" has no memory dump "${name}"`, 404);
  }
  return path;
}
