import { describe, expect, it } from 'vitest';
import { hashPassword, PASSWORD_HASH_PATTERN, parsePasswordHash, verifyPassword } from './password-hash.ts';

function parsed(text: string) {
  const hash = parsePasswordHash(text);
  if (typeof hash === 'string') throw new Error(hash);
  return hash;
}

describe('password hashes', () => {
  it('writes scrypt:N:r:p:salt:key with N=16384, r=8, p=1, a 16-byte salt and a 64-byte key', async () => {
    const text = await hashPassword('correct horse');
    expect(text).toMatch(PASSWORD_HASH_PATTERN);
    const [, n, r, p, salt, key] = text.split(':');
    expect([n, r, p]).toEqual(['16384', '8', '1']);
    expect(Buffer.from(salt as string, 'base64')).toHaveLength(16);
    expect(Buffer.from(key as string, 'base64')).toHaveLength(64);
    expect(await hashPassword('correct horse')).not.toBe(text);
  });

  it('verifies the right password and refuses others, also with parameters other than the defaults', async () => {
    const hash = parsed(await hashPassword('correct horse'));
    expect(await verifyPassword('correct horse', hash)).toBe(true);
    expect(await verifyPassword('correct hors', hash)).toBe(false);
    expect(await verifyPassword('', hash)).toBe(false);
    // A hash made elsewhere with smaller parameters (as the e2e fixture or an older bridge could).
    const { scryptSync } = await import('node:crypto');
    const salt = Buffer.from('0123456789abcdef');
    const key = scryptSync('pw', salt, 32, { N: 1024, r: 4, p: 2 });
    const other = parsed(`scrypt:1024:4:2:${salt.toString('base64')}:${key.toString('base64')}`);
    expect(await verifyPassword('pw', other)).toBe(true);
    expect(await verifyPassword('pW', other)).toBe(false);
  });

  it.each([
    ['bcrypt:$2b$10$abc', /expected "scrypt:/],
    [`scrypt:1000:8:1:AAAAAAAAAAAAAAAAAAAAAA==:${'A'.repeat(88)}`, /power of two/],
    [`scrypt:2097152:8:1:AAAAAAAAAAAAAAAAAAAAAA==:${'A'.repeat(88)}`, /power of two from 2 to 2\^20/],
    [`scrypt:16384:0:1:AAAAAAAAAAAAAAAAAAAAAA==:${'A'.repeat(88)}`, /r must be/],
    [`scrypt:16384:8:99:AAAAAAAAAAAAAAAAAAAAAA==:${'A'.repeat(88)}`, /p must be/],
    [`scrypt:16384:8:1:AAAA:${'A'.repeat(88)}`, /salt/],
    ['scrypt:16384:8:1:AAAAAAAAAAAAAAAAAAAAAA==:AAAA', /key/],
  ])('refuses %s, saying why', (text, reason) => {
    expect(parsePasswordHash(text)).toMatch(reason);
  });
});
