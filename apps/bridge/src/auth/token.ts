/**
 * API tokens: 32 random bytes in base64url (43 characters), stored in the config only as `sha256:<64 hex>` (a
 * plaintext `token` in the config is hashed when it is loaded). A presented token is hashed and compared with
 * every user's hash in constant time, without stopping at the first match, so the time taken says nothing about
 * which user, or whether any, holds it. SHA-256 without a salt is enough here: tokens are random and long, so
 * there is nothing to look up in a table.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const TOKEN_HASH_PATTERN = /^sha256:[0-9a-f]{64}$/;

export interface NewToken {
  token: string;
  tokenHash: string;
}

export function newToken(): NewToken {
  const token = randomBytes(32).toString('base64url');
  return { token, tokenHash: `sha256:${sha256(token).toString('hex')}` };
}

export function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** `sha256:<hex>` -> the 32 bytes (the pattern was checked by the config loader). */
export function tokenHashBytes(tokenHash: string): Buffer {
  return Buffer.from(tokenHash.slice('sha256:'.length), 'hex');
}

/** The index of the hash that matches `token`, or -1; every hash is compared, whatever the outcome. */
export function matchToken(token: string, hashes: readonly (Buffer | null)[]): number {
  const presented = sha256(token);
  let found = -1;
  for (let i = 0; i < hashes.length; i++) {
    const hash = hashes[i];
    // A user without a token is compared against the presented hash itself and never counted: same work.
    const equal = timingSafeEqual(presented, hash ?? presented) && hash !== null && hash !== undefined;
    if (equal && found === -1) found = i;
  }
  return found;
}
