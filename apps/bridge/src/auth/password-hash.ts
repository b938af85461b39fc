/**
 * Password hashes as the config stores them: `scrypt:<N>:<r>:<p>:<salt base64>:<key base64>`, made and checked with
 * node's own scrypt (no native addon), asynchronously (a hash takes tens of milliseconds; the event loop keeps
 * serving meanwhile). The parameters travel with the hash, so raising them later leaves old hashes valid.
 * Verification compares keys in constant time; an unknown user is checked against a dummy hash, so a wrong name
 * and a wrong password take the same time.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/** N=16384, r=8, p=1: 16 MiB of memory per hash, about 50 ms on a small machine. */
export const SCRYPT_PARAMS = { N: 16384, r: 8, p: 1 } as const;
const SALT_BYTES = 16;
const KEY_BYTES = 64;
/** Bounds on what a config may ask for: beyond them a hash would cost more memory than a bridge should spend. */
const MAX_LOG2_N = 20;
const MAX_R = 32;
const MAX_P = 16;

export const PASSWORD_HASH_PATTERN =
  /^scrypt:(\d+):(\d+):(\d+):([A-Za-z0-9+/]+={0,2}):([A-Za-z0-9+/]+={0,2})$/;

export interface PasswordHash {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
}

/** The parsed hash, or a sentence saying what is wrong with it (for the config loader). */
export function parsePasswordHash(text: string): PasswordHash | string {
  const match = PASSWORD_HASH_PATTERN.exec(text);
  if (!match) return 'expected "scrypt:<N>:<r>:<p>:<salt base64>:<key base64>" (pnpm start -- hash-password)';
  const [N, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (!Number.isSafeInteger(N) || N < 2 || N > 2 ** MAX_LOG2_N || (N & (N - 1)) !== 0) {
    return `N must be a power of two from 2 to 2^${MAX_LOG2_N}`;
  }
  if (r < 1 || r > MAX_R) return `r must be from 1 to ${MAX_R}`;
  if (p < 1 || p > MAX_P) return `p must be from 1 to ${MAX_P}`;
  const salt = Buffer.from(match[4] as string, 'base64');
  const key = Buffer.from(match[5] as string, 'base64');
  if (salt.length < 8) return 'the salt must be at least 8 bytes';
  if (key.length < 16 || key.length > 1024) return 'the key must be from 16 to 1024 bytes';
  return { N, r, p, salt, key };
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, { ...SCRYPT_PARAMS, salt, key: Buffer.alloc(KEY_BYTES) });
  const { N, r, p } = SCRYPT_PARAMS;
  return `scrypt:${N}:${r}:${p}:${salt.toString('base64')}:${key.toString('base64')}`;
}

/** Constant-time: the derived key is compared with timingSafeEqual, whatever the password. */
export async function verifyPassword(password: string, hash: PasswordHash): Promise<boolean> {
  const key = await derive(password, hash);
  return timingSafeEqual(key, hash.key);
}

/**
 * Checked instead of a real hash when the name is unknown: the same parameters as every new hash, a random salt
 * (made once per process), so an answer for an unknown name costs what a wrong password costs.
 */
export const DUMMY_PASSWORD_HASH: PasswordHash = {
  ...SCRYPT_PARAMS,
  salt: randomBytes(SALT_BYTES),
  key: randomBytes(KEY_BYTES),
};

function derive(password: string, { N, r, p, salt, key }: PasswordHash): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // maxmem: scrypt needs 128 * N * r bytes (plus a little); node's default (32 MiB) would refuse large N.
    scrypt(password, salt, key.length, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 }, (err, derived) =>
      err ? reject(err) : resolve(derived),
    );
  });
}
