/**
 * A file arriving as a stream (an upload's request body, a download's response body) written into a storage
 * location: never held in memory, counted as it comes and cut off past the limit (PayloadTooLarge), written to a
 * hidden temporary file that takes its name only once complete and synced. Whatever goes wrong (the limit, the
 * client gone, a cancel, a full disk), the temporary file is removed and nothing appears under the name.
 */
import { closeSync, createWriteStream, fsyncSync, rmSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BridgeErrorClass } from '@qmpdeck/protocol';
import { BridgeError, badRequest } from '../bridge-error.ts';
import type { StorageConfig } from '../config/schema.ts';
import { putInPlace } from './put-in-place.ts';
import { openTempFile } from './storage-paths.ts';

export const tooLarge = (maxBytes: number): BridgeError =>
  new BridgeError(
    BridgeErrorClass.PayloadTooLarge,
    `the file is over this bridge's limit of ${maxBytes} bytes (config "uploads"/"downloads" maxBytes)`,
    413,
  );

export interface ReceiveOptions {
  source: Readable;
  location: StorageConfig;
  /** Where it goes (newFilePath), and whether an existing file there is replaced. */
  path: string;
  overwrite: boolean;
  maxBytes: number;
  /** The length the sender announced, when it did: a stream that ends short of it is refused. */
  expectedBytes: number | null;
  signal: AbortSignal;
  onProgress: (bytes: number) => void;
  purpose: 'upload' | 'download';
}

export async function receiveFile(options: ReceiveOptions): Promise<number> {
  const { fd, path: temp } = openTempFile(options.location, options.purpose);
  let received = 0;
  const count = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      if (received > options.maxBytes) {
        done(tooLarge(options.maxBytes));
        return;
      }
      options.onProgress(received);
      done(null, chunk);
    },
  });
  try {
    try {
      await pipeline(options.source, count, createWriteStream('', { fd, autoClose: false }), {
        signal: options.signal,
      });
      if (options.expectedBytes !== null && received !== options.expectedBytes) {
        throw badRequest(`the file ended after ${received} of the ${options.expectedBytes} bytes announced`);
      }
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    putInPlace(temp, options.path, options.location.id, options.overwrite);
    return received;
  } catch (err) {
    rmSync(temp, { force: true });
    throw options.signal.aborted ? options.signal.reason : err;
  }
}
