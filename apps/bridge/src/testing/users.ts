/**
 * Users for tests, one per role, each with a token and a password: the config entries a test bridge gets, and
 * the headers to act as one of them.
 */

import { scryptSync } from 'node:crypto';
import type { Role } from '@qmpdeck/protocol';
import type { UserConfig } from '../config/schema.ts';

export interface TestUser {
  name: string;
  role: Role;
  token: string;
  password: string;
  vms?: string[];
}

export const ROLES: readonly Role[] = ['viewer', 'operator', 'admin'];

/** Cheap scrypt parameters (N=1024) for tests that sign in often; the format is the real one. */
export function testPasswordHash(password: string): string {
  const salt = Buffer.from(`salt-${password}`.padEnd(16, '.').slice(0, 16));
  const key = scryptSync(password, salt, 64, { N: 1024, r: 8, p: 1 });
  return `scrypt:1024:8:1:${salt.toString('base64')}:${key.toString('base64')}`;
}

export function testUser(name: string, role: Role, vms?: string[]): TestUser {
  return {
    name,
    role,
    token: `token-of-${name}-${role}-0123456789`,
    password: `password of ${name}!`,
    ...(vms === undefined ? {} : { vms }),
  };
}

export function userConfig(user: TestUser): UserConfig {
  return {
    name: user.name,
    role: user.role,
    token: user.token,
    passwordHash: testPasswordHash(user.password),
    ...(user.vms === undefined ? {} : { vms: user.vms }),
  };
}

export const roleUsers: Record<Role, TestUser> = {
  viewer: testUser('vera', 'viewer'),
  operator: testUser('otto', 'operator'),
  admin: testUser('ada', 'admin'),
};
