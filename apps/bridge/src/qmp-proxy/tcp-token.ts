/**
 * The secret a TCP client of the QMP proxy proves itself with on a bridge WITHOUT users (with users, each person
 * presents their own API token). Any local user can open a loopback port, so TCP cannot lean on file permissions
 * the way the unix socket does; instead the bridge writes a fresh random token at each start into
 * `<dir>/tcp-token`, readable exactly by those who may use the unix sockets (its user, or the configured group).
 * Reading the file is the permission; sending its content proves it (see proxy-identity.ts).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, chownSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const TOKEN_FILE = 'tcp-token';

export class TcpToken {
  readonly path: string;
  readonly #digest: Buffer;

  private constructor(path: string, token: string) {
    this.path = path;
    this.#digest = digest(token);
  }

  /** Writes a new token (mode 0600, or 0640 in the group); the previous one stops working. */
  static create(dir: string, gid: number | null): TcpToken {
    // A prefix keeps it a string for tools that read digits as a number (qmp-shell's token=...).
    const token = `qmpdeck_${randomBytes(32).toString('base64url')}`;
    const path = join(dir, TOKEN_FILE);
    rmSync(path, { force: true });
    writeFileSync(path, `${token}\n`, { mode: 0o600, flag: 'wx' });
    if (gid !== null) {
      chownSync(path, -1, gid);
      chmodSync(path, 0o640);
    }
    return new TcpToken(path, token);
  }

  /** Removes a token file a previous start left (a bridge that now has users writes none, and it is not valid). */
  static removeStale(dir: string): void {
    rmSync(join(dir, TOKEN_FILE), { force: true });
  }

  /** Compares in constant time (of equal-length digests), so the answer's timing says nothing of the token. */
  matches(candidate: string): boolean {
    return timingSafeEqual(digest(candidate.trim()), this.#digest);
  }

  remove(): void {
    rmSync(this.path, { force: true });
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
