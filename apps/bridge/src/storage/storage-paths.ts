/**
 * A file name in a storage location -> a path, never outside the location. Names are plain (the protocol's
 * `StorageFileName`: no separators, no `..`, no NUL) and not hidden (dot files are the bridge's temporary ones);
 * an existing file's real path (symlinks resolved) must be inside the location's real path and be a regular file,
 * so a symlink that leads out, or to a directory, is refused. New files are written to a hidden temporary name
 * opened with O_EXCL|O_NOFOLLOW, and put in place at the end.
 */
import { randomUUID } from 'node:crypto';
import { constants, lstatSync, openSync, realpathSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import { BridgeErrorClass, StorageFileName } from '@qmpdeck/protocol';
import { BridgeError, badRequest } from '../bridge-error.ts';
import type { StorageConfig } from '../config/schema.ts';

/** Prefix of the bridge's temporary files in a location (uploads, downloads, copies in progress). */
export const TEMP_PREFIX = '.qmpdeck-';

export const fileNotFound = (location: StorageConfig, name: string): BridgeError =>
  new BridgeError(BridgeErrorClass.FileNotFound, `no file "${name}" in storage "${location.id}"`, 404);

/** The name, when it is a plain, visible file name; BadRequest (naming `field`) otherwise. */
export function checkFileName(name: string, field = 'name'): string {
  const parsed = StorageFileName.safeParse(name);
  if (!parsed.success) throw badRequest(`${field}: ${parsed.error.issues[0]?.message ?? 'not a file name'}`);
  if (Buffer.byteLength(name) > 255) throw badRequest(`${field}: longer than 255 bytes`);
  if (name.startsWith('.')) {
    throw badRequest(`${field}: may not start with "." (hidden files are the bridge's temporary ones)`);
  }
  return name;
}

/** The location's directory with its symlinks resolved. */
export function locationRoot(location: StorageConfig): string {
  try {
    return realpathSync(location.path);
  } catch (err) {
    throw new BridgeError(
      BridgeErrorClass.StorageNotFound,
      `storage "${location.id}": its directory ${location.path} cannot be used (${(err as NodeJS.ErrnoException).code})`,
      404,
    );
  }
}

/** True when `path` is `root` itself or inside it. */
export function isInside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** The real path of an existing regular file of the location. */
export function existingFile(location: StorageConfig, name: string, field = 'name'): string {
  checkFileName(name, field);
  const root = locationRoot(location);
  let real: string;
  try {
    real = realpathSync(join(root, name));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw fileNotFound(location, name);
    throw badRequest(`${field}: "${name}" cannot be resolved (${code})`);
  }
  if (!isInside(root, real)) {
    throw badRequest(`${field}: "${name}" is a link to outside storage "${location.id}"; refused`);
  }
  if (!statSync(real).isFile()) throw badRequest(`${field}: "${name}" is not a regular file`);
  return real;
}

/** Where a new file of that name goes; a name taken by a symlink or a directory is refused. */
export function newFilePath(location: StorageConfig, name: string, field = 'name'): string {
  checkFileName(name, field);
  const path = join(locationRoot(location), name);
  try {
    const stat = lstatSync(path);
    if (!stat.isFile()) throw badRequest(`${field}: "${name}" exists and is not a regular file`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  return path;
}

/** A new hidden temporary file in the location, opened for writing (never following a link); its fd and path. */
export function openTempFile(location: StorageConfig, purpose: string): { fd: number; path: string } {
  const path = join(locationRoot(location), `${TEMP_PREFIX}${purpose}-${randomUUID()}.part`);
  const fd = openSync(
    path,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
    0o640,
  );
  return { fd, path };
}

/** A hidden temporary name in the location, for a tool that makes the file itself (qemu-img). */
export function tempPath(location: StorageConfig, purpose: string): string {
  return join(locationRoot(location), `${TEMP_PREFIX}${purpose}-${randomUUID()}.part`);
}
