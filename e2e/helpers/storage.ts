/**
 * Storage for the specs: a location in the test's directory (as the bridge's config names it), files made on
 * disk without holding them in memory, and their sha256 read as a stream.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  copyFileSync,
  createReadStream,
  mkdirSync,
  openSync,
  readdirSync,
  writeSync,
} from 'node:fs';
import { basename, join } from 'node:path';

export interface StorageConfigEntry {
  id: string;
  path: string;
  content: ('disk' | 'iso' | 'backup' | 'dump')[];
}

/** A location `local` for disks and ISOs in `dir/images`, made empty. */
export function localStorage(dir: string): StorageConfigEntry {
  const path = join(dir, 'images');
  mkdirSync(path, { recursive: true });
  return { id: 'local', path, content: ['disk', 'iso'] };
}

/** A copy of `file` in the location (the bridge refuses symlinks that lead out of it); answers its name. */
export function putInStorage(storage: StorageConfigEntry, file: string): string {
  const name = basename(file);
  copyFileSync(file, join(storage.path, name));
  return name;
}

/** Every entry of the location's directory, hidden ones too (a partial upload must not be left anywhere). */
export function storedNames(storage: StorageConfigEntry): string[] {
  return readdirSync(storage.path).sort();
}

/** A file of `bytes` random bytes, written a MiB at a time. */
export function makeRandomFile(path: string, bytes: number): void {
  const fd = openSync(path, 'w');
  try {
    const chunk = 1024 * 1024;
    for (let written = 0; written < bytes; written += chunk)
      writeSync(fd, randomBytes(Math.min(chunk, bytes - written)));
  } finally {
    closeSync(fd);
  }
}

export function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}
