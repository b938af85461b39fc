/**
 * The storage commands, run by the command pipeline as bridge-wide actions (no VM: the policy and the audit
 * apply; a user's VM scope limits which VMs they see named): `storage.upload` (the body streamed into the
 * location, as an `upload` job), `storage.download` (the bridge fetches a URL, a `download` job, answered at once
 * with the job) and `storage.delete` (refused while a VM uses the file).
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { BridgeErrorClass, type Job, type StorageFile } from '@qmpdeck/protocol';
import { principalSees } from '../auth/principal.ts';
import { BridgeError } from '../bridge-error.ts';
import type { CommandRequest } from '../commands/command-request.ts';
import type { JobRegistry } from '../jobs/job-registry.ts';
import type { Logger } from '../log.ts';
import { fetchToFile } from './fetch-to-file.ts';
import type { FileUsage } from './file-usage.ts';
import { fileExists } from './put-in-place.ts';
import { receiveFile, tooLarge } from './receive-file.ts';
import type { StorageFiles } from './storage-files.ts';
import type { StorageLocations } from './storage-locations.ts';
import { existingFile, locationRoot, newFilePath } from './storage-paths.ts';

export interface StorageActionDeps {
  locations: StorageLocations;
  files: StorageFiles;
  usage: FileUsage;
  jobs: JobRegistry;
  uploadMaxBytes: number;
  downloadMaxBytes: number;
  log: Logger;
}

/** What the upload route gives the `storage.upload` command: its arguments (audited) and the body (not). */
export interface UploadArguments {
  storage: string;
  name: string;
  /** Content-Length, when the client sent one. */
  bytes: number | null;
  overwrite: boolean;
}

export interface DownloadArguments {
  storage: string;
  name: string;
  /** The URL as audited: without credentials or query (the real one is the request's `input`). */
  url: string;
}

export const inUse = (desc: string): BridgeError => new BridgeError(BridgeErrorClass.InUse, desc, 409);

export function storageActions(deps: StorageActionDeps) {
  const sees = (request: CommandRequest) => (vm: string) => principalSees(request.principal, vm);
  const by = (request: CommandRequest) => ({ user: request.actor.user, command: request.command });

  return {
    'storage.upload': async (request: CommandRequest): Promise<StorageFile> => {
      const args = request.arguments as unknown as UploadArguments;
      const location = deps.locations.get(args.storage);
      const path = newFilePath(location, args.name);
      // Refused before a byte is read: an announced length over the limit, a name taken.
      if (args.bytes !== null && args.bytes > deps.uploadMaxBytes) throw tooLarge(deps.uploadMaxBytes);
      if (!args.overwrite && existsSync(path)) throw fileExists(location.id, args.name);
      let failure: unknown = null;
      const { done } = deps.jobs.start(
        {
          kind: 'upload',
          vm: null,
          ...by(request),
          description: `Upload of ${location.id}:${args.name}`,
          total: args.bytes,
        },
        async (job, signal) => {
          try {
            await receiveFile({
              source: request.input as Readable,
              location,
              path,
              overwrite: args.overwrite,
              maxBytes: deps.uploadMaxBytes,
              expectedBytes: args.bytes,
              signal,
              onProgress: (bytes) => job.progress(bytes),
              purpose: 'upload',
            });
          } catch (err) {
            failure = err;
            throw err;
          }
        },
      );
      const job = await done;
      if (job.status !== 'done')
        throw failure ?? new BridgeError(BridgeErrorClass.Cancelled, `the upload was ${job.status}`, 409);
      return deps.files.describe(location.id, args.name, sees(request));
    },

    'storage.download': (request: CommandRequest): Job => {
      const args = request.arguments as unknown as DownloadArguments;
      const location = deps.locations.get(args.storage);
      const path = newFilePath(location, args.name);
      if (existsSync(path)) throw fileExists(location.id, args.name);
      const url = request.input as string;
      const { job } = deps.jobs.start(
        {
          kind: 'download',
          vm: null,
          ...by(request),
          description: `Download of ${args.url} to ${location.id}:${args.name}`,
        },
        async (progress, signal) => {
          await fetchToFile({
            url,
            location,
            path,
            overwrite: false,
            maxBytes: deps.downloadMaxBytes,
            signal,
            onProgress: (bytes, total) => progress.progress(bytes, total),
          });
        },
      );
      return job;
    },

    'storage.delete': async (request: CommandRequest): Promise<null> => {
      const { storage, name } = request.arguments as { storage: string; name: string };
      const location = deps.locations.get(storage);
      const path = existingFile(location, name);
      const users = [...new Set((await deps.usage.usersOf(path)).map((user) => user.vm))];
      if (users.length > 0) {
        const shown = users.filter(sees(request));
        const named =
          shown.length > 0 ? `VM${shown.length > 1 ? 's' : ''} ${shown.join(', ')}` : 'another VM';
        throw inUse(
          `${storage}:${name} is in use by ${named}: remove it from ${shown.length > 1 ? 'their' : 'its'} definition or stop it first`,
        );
      }
      // The name, not what it points to: deleting a link inside the location removes the link.
      rmSync(join(locationRoot(location), name));
      deps.log.info({ storage, name, user: request.actor.user }, 'storage file deleted');
      return null;
    },
  };
}

/** A URL as it may be audited and shown: without user, password or query (tokens often travel there). */
export function shownUrl(text: string): string {
  const url = new URL(text);
  url.username = '';
  url.password = '';
  url.search = url.search === '' ? '' : '?…';
  return url.href;
}
