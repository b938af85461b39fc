/**
 * Users for a real bridge's config in the web app's bridge tests: a password hash made here with node's scrypt,
 * in the format the bridge reads (`scrypt:<N>:<r>:<p>:<salt base64>:<key base64>`, N=16384 r=8 p=1, 64-byte key).
 * (The end-to-end specs have the same helper in e2e/helpers/users.ts.)
 */
import { randomBytes, scryptSync } from 'node:crypto';
import type { Role } from '@qmpdeck/protocol';

export function passwordHash(password: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(password, salt, 64, { N: 16384, r: 8, p: 1 });
  return `scrypt:16384:8:1:${salt.toString('base64')}:${key.toString('base64')}`;
}

export function configUser(name: string, role: Role, password: string, vms?: string[]) {
  return { name, role, passwordHash: passwordHash(password), ...(vms ? { vms } : {}) };
}
