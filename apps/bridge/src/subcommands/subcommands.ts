/**
 * The bridge's helper commands, run instead of the bridge: `pnpm start -- hash-password [--json]` and
 * `pnpm start -- new-token [--json]`, which make the secrets the config's `users` need. They print to stdout
 * (prompts go to stderr) and exit 0, or 2 with one line saying what was wrong.
 */
import type { Writable } from 'node:stream';
import { hashPassword } from '../auth/password-hash.ts';
import { newToken } from '../auth/token.ts';
import { type PasswordInput, readPassword } from './read-password.ts';

export const SUBCOMMANDS = ['hash-password', 'new-token'] as const;
export type Subcommand = (typeof SUBCOMMANDS)[number];

export function isSubcommand(name: string | undefined): name is Subcommand {
  return (SUBCOMMANDS as readonly (string | undefined)[]).includes(name);
}

export interface SubcommandIo extends PasswordInput {
  stdout: Writable;
}

/** A mistake in how the command was called: main prints it and exits 2. */
export class SubcommandError extends Error {
  override readonly name = 'SubcommandError';
}

export async function runSubcommand(
  name: Subcommand,
  args: readonly string[],
  io: SubcommandIo,
): Promise<void> {
  const json = readJsonFlag(name, args);
  if (name === 'new-token') {
    const { token, tokenHash } = newToken();
    io.stdout.write(
      json ? `${JSON.stringify({ token, tokenHash })}\n` : `token: ${token}\ntokenHash: ${tokenHash}\n`,
    );
    return;
  }
  let password: string;
  try {
    password = await readPassword(io);
  } catch (err) {
    throw new SubcommandError(`hash-password: ${(err as Error).message}`);
  }
  const passwordHash = await hashPassword(password);
  io.stdout.write(json ? `${JSON.stringify({ passwordHash })}\n` : `${passwordHash}\n`);
}

/** Only `--json` is accepted; anything else is refused, saying why (a password in argv above all). */
function readJsonFlag(name: Subcommand, args: readonly string[]): boolean {
  const extra = args.filter((arg) => arg !== '--json');
  if (extra.length > 0) {
    const why =
      name === 'hash-password'
        ? 'the password is never taken from the command line (it would stay in your shell history and show in ' +
          '`ps` to every user); type it at the prompt, or pipe it on stdin'
        : 'it takes no arguments';
    throw new SubcommandError(
      `${name}: unexpected argument${extra.length > 1 ? 's' : ''}: ${why}. usage: ${name} [--json]`,
    );
  }
  return args.includes('--json');
}
