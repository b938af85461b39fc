/**
 * The configured users, ready to check credentials against: each token hashed once at load (a plaintext `token`
 * in the config never stays in memory as such beyond this), each password hash parsed once.
 */
import type { Role, SessionUser } from '@qmpdeck/protocol';
import type { UserConfig } from '../config/schema.ts';
import { type PasswordHash, parsePasswordHash } from './password-hash.ts';
import { matchToken, sha256, tokenHashBytes } from './token.ts';

export interface User {
  name: string;
  role: Role;
  /** Globs over VM ids, or null for all. */
  vms: readonly string[] | null;
  tokenHash: Buffer | null;
  passwordHash: PasswordHash | null;
}

export class Users {
  readonly #byName = new Map<string, User>();
  readonly #list: User[];
  readonly #tokenHashes: (Buffer | null)[];

  constructor(configs: readonly UserConfig[]) {
    this.#list = configs.map(toUser);
    for (const user of this.#list) this.#byName.set(user.name, user);
    this.#tokenHashes = this.#list.map((user) => user.tokenHash);
  }

  /** Whether the bridge has users at all (and so requires a credential). */
  get any(): boolean {
    return this.#list.length > 0;
  }

  byName(name: string): User | undefined {
    return this.#byName.get(name);
  }

  /** The user holding this token, comparing against every user's hash in constant time. */
  byToken(token: string): User | undefined {
    const index = matchToken(token, this.#tokenHashes);
    return index === -1 ? undefined : this.#list[index];
  }
}

export function sessionUserOf(user: User): SessionUser {
  return { name: user.name, role: user.role };
}

function toUser(config: UserConfig): User {
  const parsed = config.passwordHash === undefined ? null : parsePasswordHash(config.passwordHash);
  if (typeof parsed === 'string') throw new Error(`user ${config.name}: ${parsed}`);
  return {
    name: config.name,
    role: config.role,
    vms: config.vms ?? null,
    tokenHash:
      config.token !== undefined
        ? sha256(config.token)
        : config.tokenHash !== undefined
          ? tokenHashBytes(config.tokenHash)
          : null,
    passwordHash: parsed,
  };
}
