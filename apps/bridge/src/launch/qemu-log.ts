/**
 * A managed QEMU's output: its stdout and stderr go to `qemu.log` in its runtime directory, never to a pipe of
 * the bridge's (a pipe dies with the bridge, and QEMU's next write would then kill it with SIGPIPE). The bridge
 * follows the file while it watches the VM: each line goes to the bridge's log, and the last few explain an exit.
 * A log over 1 MiB is moved to `qemu.log.1` when QEMU starts again.
 */
import { closeSync, constants, fstatSync, openSync, readSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';

export const QEMU_LOG_FILE = 'qemu.log';
const ROTATE_AT_BYTES = 1024 * 1024;
const FOLLOW_EVERY_MS = 200;
const LAST_WORDS = 5;
const CHUNK_BYTES = 64 * 1024;

export class QemuLog {
  readonly path: string;
  #fd: number | null = null;
  #offset = 0;
  #decoder = new StringDecoder('utf8');
  #partial = '';
  #timer: NodeJS.Timeout | null = null;
  #lastWords: string[] = [];

  constructor(
    dir: string,
    readonly onLine: (line: string) => void,
  ) {
    this.path = join(dir, QEMU_LOG_FILE);
  }

  /** QEMU's latest non-empty lines, oldest first. */
  get lastWords(): readonly string[] {
    return this.#lastWords;
  }

  /** A descriptor QEMU appends its stdout and stderr to; the caller closes it once QEMU is spawned. */
  openForQemu(): number {
    try {
      if (statSync(this.path).size > ROTATE_AT_BYTES) renameSync(this.path, `${this.path}.1`);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    return openSync(
      this.path,
      constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW,
      0o600,
    );
  }

  /** Follows what is written from now on (the file's current end). */
  follow(): void {
    this.stop();
    this.#lastWords = [];
    try {
      this.#fd = openSync(this.path, constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch (err) {
      // An adopted QEMU whose log was removed by hand: nothing to follow, nothing to explain its exit with.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    this.#offset = fstatSync(this.#fd).size;
    this.#timer = setInterval(() => this.#read(), FOLLOW_EVERY_MS);
    this.#timer.unref();
  }

  /** Reads everything written so far (QEMU exited: its last words are all in the file). */
  drain(): void {
    this.#read();
    const rest = this.#partial + this.#decoder.end();
    this.#partial = '';
    if (rest !== '') this.#line(rest);
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    if (this.#fd !== null) closeSync(this.#fd);
    this.#fd = null;
    this.#partial = '';
    this.#decoder = new StringDecoder('utf8');
  }

  #read(): void {
    const fd = this.#fd;
    if (fd === null) return;
    // Truncated by hand (or rotated under us): start over from its beginning.
    if (fstatSync(fd).size < this.#offset) this.#offset = 0;
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    for (;;) {
      const read = readSync(fd, buffer, 0, CHUNK_BYTES, this.#offset);
      if (read === 0) break;
      this.#offset += read;
      const lines = (this.#partial + this.#decoder.write(buffer.subarray(0, read))).split('\n');
      this.#partial = lines.pop() ?? '';
      for (const line of lines) this.#line(line);
    }
  }

  #line(raw: string): void {
    const line = raw.replace(/\r$/, '');
    this.onLine(line);
    if (line.trim() === '') return;
    this.#lastWords.push(line);
    if (this.#lastWords.length > LAST_WORDS) this.#lastWords.shift();
  }
}
