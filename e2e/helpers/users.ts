/**
 * Users for a spec's bridge config (`test.use({ bridgeConfig: { users: [...] } })`): the password hash is made
 * here with node's scrypt in the documented format (`scrypt:<N>:<r>:<p>:<salt base64>:<key base64>`, N=16384,
 * r=8, p=1, a 64-byte key), not by the bridge's code, so the bridge is tested against what its docs promise.
 */
import { randomBytes, scryptSync } from 'node:crypto';
import type { Role } from '@qmpdeck/protocol';

export function passwordHash(password: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(password, salt, 64, { N: 16384, r: 8, p: 1 });
  return `scrypt:16384:8:1:${salt.toString('base64')}:${key.toString('base64')}`;
}

export interface SpecUser {
  name: string;
  role: Role;
  password: string;
}

/** The config's entry for a user (no plain password in it). */
export function configUser({ name, role, password }: SpecUser, vms?: string[]) {
  return { name, role, passwordHash: passwordHash(password), ...(vms ? { vms } : {}) };
}
