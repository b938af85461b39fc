import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { matchToken, newToken, sha256, TOKEN_HASH_PATTERN, tokenHashBytes } from './token.ts';

describe('API tokens', () => {
  it('are 43 base64url characters (32 random bytes), with their sha256 as sha256:<hex>', () => {
    const { token, tokenHash } = newToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(tokenHash).toMatch(TOKEN_HASH_PATTERN);
    expect(tokenHash).toBe(`sha256:${createHash('sha256').update(token).digest('hex')}`);
    expect(newToken().token).not.toBe(token);
  });

  it('match the one user holding them, whatever the place in the list, and nobody for another token', () => {
    const a = newToken();
    const b = newToken();
    const hashes = [null, tokenHashBytes(a.tokenHash), sha256(b.token), null];
    expect(matchToken(a.token, hashes)).toBe(1);
    expect(matchToken(b.token, hashes)).toBe(2);
    expect(matchToken(newToken().token, hashes)).toBe(-1);
    expect(matchToken('', hashes)).toBe(-1);
    expect(matchToken(a.token, [])).toBe(-1);
  });
});
