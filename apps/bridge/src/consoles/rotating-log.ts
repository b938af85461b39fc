/**
 * A serial port's output on disk, capped: two files of half the cap each (`NAME.log`, and `NAME.log.1` for the
 * half before), so what is kept is always the newest output, at least half the cap and never more than all of it,
 * across bridge restarts. Writes are gathered and appended by one loop, so a burst costs one write, and a disk that
 * stalls makes the oldest unwritten bytes go first (they would be rotated away anyway), never the bridge's memory.
 */
import { appendFile, mkdir, readFile, rename, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

export const DEFAULT_LOG_CAP_BYTES = 1024 * 1024;

export class RotatingLog {
  readonly #path: string;
  readonly #half: number;
  readonly #pending: Buffer[] = [];
  #pendingBytes = 0;
  /** Bytes in the current file; known after the first flush stats it. */
  #size: number | null = null;
  #flushing: Promise<void> | null = null;
  /** A failed write (disk full, permissions): the owner logs it; the bytes of that batch are lost, later ones tried. */
  readonly #onError: (err: unknown) => void;

  constructor(path: string, options: { capBytes?: number; onError: (err: unknown) => void }) {
    this.#path = path;
    this.#half = Math.max(1, Math.floor((options.capBytes ?? DEFAULT_LOG_CAP_BYTES) / 2));
    this.#onError = options.onError;
  }

  get path(): string {
    return this.#path;
  }

  write(chunk: Uint8Array): void {
    this.#pending.push(Buffer.from(chunk));
    this.#pendingBytes += chunk.length;
    while (this.#pendingBytes > 2 * this.#half && this.#pending.length > 1) {
      this.#pendingBytes -= (this.#pending.shift() as Buffer).length;
    }
    this.#flushing ??= this.#flush();
  }

  /** Everything kept, oldest first, once every write so far is on disk. */
  async read(): Promise<Buffer> {
    await this.#flushing;
    const [older, current] = await Promise.all([readIfThere(`${this.#path}.1`), readIfThere(this.#path)]);
    return Buffer.concat([older, current]);
  }

  /** Resolves once everything written so far is on disk. */
  async flushed(): Promise<void> {
    await this.#flushing;
  }

  async #flush(): Promise<void> {
    try {
      await mkdir(dirname(this.#path), { recursive: true, mode: 0o700 });
      this.#size ??= await sizeOf(this.#path);
      while (this.#pending.length > 0) {
        let batch = Buffer.concat(this.#pending.splice(0));
        this.#pendingBytes = 0;
        if (batch.length > this.#half) batch = batch.subarray(batch.length - this.#half);
        if (this.#size + batch.length > this.#half) {
          await rename(this.#path, `${this.#path}.1`).catch(ignoreMissing);
          this.#size = 0;
        }
        await appendFile(this.#path, batch, { mode: 0o600 });
        this.#size += batch.length;
      }
    } catch (err) {
      this.#pending.length = 0;
      this.#pendingBytes = 0;
      this.#size = null;
      this.#onError(err);
    } finally {
      this.#flushing = null;
    }
  }
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (err) {
    ignoreMissing(err);
    return 0;
  }
}

async function readIfThere(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    ignoreMissing(err);
    return Buffer.alloc(0);
  }
}

/** A file that is not there yet is an empty log, not a failure. */
function ignoreMissing(err: unknown): void {
  if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
}
