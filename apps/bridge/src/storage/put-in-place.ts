/**
 * The end of every transfer: a finished temporary file takes its name in one step. Without overwrite it is
 * linked (fails if the name was taken meanwhile: FileExists, the temp removed) then its temp name removed; with
 * overwrite it is renamed over the old file. Either way no reader ever sees half a file under the name.
 */
import { linkSync, renameSync, rmSync } from 'node:fs';
import { basename } from 'node:path';
import { BridgeErrorClass } from '@qmpdeck/protocol';
import { BridgeError } from '../bridge-error.ts';

export const fileExists = (storage: string, name: string): BridgeError =>
  new BridgeError(
    BridgeErrorClass.FileExists,
    `storage "${storage}" has a file "${name}" already (add ?overwrite=1 to replace it)`,
    409,
  );

export function putInPlace(temp: string, path: string, storage: string, overwrite: boolean): void {
  if (overwrite) {
    renameSync(temp, path);
    return;
  }
  try {
    linkSync(temp, path);
  } catch (err) {
    rmSync(temp, { force: true });
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw fileExists(storage, basename(path));
    throw err;
  }
  rmSync(temp, { force: true });
}
