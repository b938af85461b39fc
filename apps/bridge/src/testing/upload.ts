/**
 * A streamed upload as a browser or curl sends one: `PUT` with the body written chunk by chunk, with or without a
 * Content-Length (chunked), optionally cut off after some bytes (a client that goes away). The bytes are made
 * from a seed as they are sent (never held whole), and their sha256 is kept to compare with what was stored.
 */
import { createHash } from 'node:crypto';
import { request } from 'node:http';

export interface UploadOptions {
  bytes: number;
  /** Announce the length (default) or send chunked. */
  contentLength?: boolean | number;
  /** Destroy the connection after this many bytes. */
  abortAfter?: number;
  chunkBytes?: number;
  headers?: Record<string, string>;
}

export interface UploadResult {
  /** null when the connection ended without an answer. */
  status: number | null;
  // biome-ignore lint/suspicious/noExplicitAny: tests assert on the shape of arbitrary JSON bodies.
  body: any;
  sent: number;
  sha256: string;
}

/** The bytes of an upload: a repeating pattern that depends on the offset, cheap to make and to check. */
export function uploadChunk(offset: number, length: number): Buffer {
  const chunk = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) chunk[i] = ((offset + i) * 31) % 251;
  return chunk;
}

export function upload(url: string, options: UploadOptions): Promise<UploadResult> {
  const chunkBytes = options.chunkBytes ?? 64 * 1024;
  const hash = createHash('sha256');
  let sent = 0;
  const length =
    options.contentLength === false
      ? undefined
      : typeof options.contentLength === 'number'
        ? options.contentLength
        : options.bytes;
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'PUT',
      headers: {
        'content-type': 'application/octet-stream',
        ...(length === undefined ? { 'transfer-encoding': 'chunked' } : { 'content-length': String(length) }),
        ...options.headers,
      },
    });
    let answered = false;
    req.on('response', (res) => {
      answered = true;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (part: string) => {
        text += part;
      });
      res.on('end', () => {
        resolve({
          status: res.statusCode ?? null,
          body: text === '' ? null : JSON.parse(text),
          sent,
          sha256: hash.digest('hex'),
        });
      });
    });
    req.on('error', (err) => {
      if (answered) return;
      // The bridge closed the connection (refused at once, or after we stopped): no answer to read.
      if (
        options.abortAfter !== undefined ||
        ['ECONNRESET', 'EPIPE'].includes((err as NodeJS.ErrnoException).code ?? '')
      ) {
        resolve({ status: null, body: null, sent, sha256: hash.digest('hex') });
      } else reject(err);
    });
    const write = () => {
      while (sent < options.bytes) {
        if (options.abortAfter !== undefined && sent >= options.abortAfter) {
          req.destroy();
          return;
        }
        const chunk = uploadChunk(sent, Math.min(chunkBytes, options.bytes - sent));
        hash.update(chunk);
        sent += chunk.length;
        if (!req.write(chunk)) {
          req.once('drain', write);
          return;
        }
      }
      req.end();
    };
    write();
  });
}
