/**
 * `hash-password` and `new-token`: in-process for what they print and refuse, and as users run them
 * (`node src/main.ts -- hash-password`) for the exit codes, piped stdin, and a terminal prompt that echoes
 * nothing (a real pseudo-terminal, through util-linux `script`). The password is never taken from argv.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { PassThrough, Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parsePasswordHash, verifyPassword } from '../auth/password-hash.ts';
import { parseConfig } from '../config/load.ts';
import { waitFor } from '../testing/wait-for.ts';
import { runSubcommand, type Subcommand, SubcommandError } from './subcommands.ts';

const BRIDGE_DIR = fileURLToPath(new URL('../..', import.meta.url));

async function matches(password: string, hashText: string): Promise<boolean> {
  const hash = parsePasswordHash(hashText);
  if (typeof hash === 'string') throw new Error(hash);
  return verifyPassword(password, hash);
}

/** Runs a subcommand in-process with `input` as a piped (not terminal) stdin; answers what it printed. */
async function inProcess(name: Subcommand, args: string[], input = ''): Promise<string> {
  const stdout = new PassThrough();
  let printed = '';
  stdout.on('data', (chunk) => {
    printed += chunk;
  });
  await runSubcommand(name, args, { stdin: Readable.from([input]), stdout, prompts: new PassThrough() });
  return printed;
}

function runCli(
  args: string[],
  input?: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    cwd: BRIDGE_DIR,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  child.stdin?.end(input);
  return once(child, 'exit').then(([code]) => ({ code: code as number | null, stdout, stderr }));
}

describe('hash-password and new-token', () => {
  it('hashes the first line of stdin into what the config takes, as a line or JSON', async () => {
    const hash = (await inProcess('hash-password', [], 'pass word é\nsecond line ignored\n')).trim();
    expect(hash).toMatch(/^scrypt:16384:8:1:\S+$/);
    expect(await matches('pass word é', hash)).toBe(true);
    expect(
      parseConfig({ vms: [], users: [{ name: 'a', role: 'viewer', passwordHash: hash }] }).users,
    ).toHaveLength(1);
    const json = JSON.parse(await inProcess('hash-password', ['--json'], 'pw\r\n')) as {
      passwordHash: string;
    };
    expect(await matches('pw', json.passwordHash)).toBe(true);
  });

  it.each([
    [
      'hash-password',
      ['hunter2'],
      /hash-password: unexpected argument: the password is never taken from the command line/,
    ],
    ['hash-password', ['--password=hunter2'], /never taken from the command line/],
    ['hash-password', [], /no password on stdin/],
    ['new-token', ['x'], /new-token: unexpected argument: it takes no arguments/],
  ] as const)('%s %j is refused, saying why', async (name, args, message) => {
    const refused = inProcess(name, [...args]);
    await expect(refused).rejects.toThrow(SubcommandError);
    await expect(refused).rejects.toThrow(message);
    await expect(refused).rejects.not.toThrow(/hunter2/);
  });

  it('makes a 43-character token and its sha256, as lines or JSON', async () => {
    const [, token, tokenHash] =
      /^token: (\S+)\ntokenHash: (\S+)\n$/.exec(await inProcess('new-token', [])) ?? [];
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(tokenHash).toBe(
      `sha256:${createHash('sha256')
        .update(token as string)
        .digest('hex')}`,
    );
    const json = JSON.parse(await inProcess('new-token', ['--json'])) as { token: string; tokenHash: string };
    expect(json.tokenHash).toBe(`sha256:${createHash('sha256').update(json.token).digest('hex')}`);
    expect(json.token).not.toBe(token);
  });

  it('from the command line: exit 0 with piped stdin, exit 2 with a password in argv', async () => {
    const [piped, refused] = await Promise.all([
      runCli(['--', 'hash-password'], 'piped secret\n'),
      runCli(['hash-password', 'hunter2'], 'pw\n'),
    ]);
    expect(piped.code).toBe(0);
    expect(await matches('piped secret', piped.stdout.trim())).toBe(true);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^qmpdeck-bridge: hash-password: unexpected argument/);
    expect(refused.stderr).not.toContain('hunter2');
    expect(refused.stdout).toBe('');
  });

  it('asks twice on a terminal without echoing, and refuses two different answers', async () => {
    const prompt = (answers: string[]) => {
      // `script` gives the command a real pseudo-terminal; what we write is typed on it.
      const child = spawn(
        'script',
        ['-qec', `${process.execPath} --import tsx src/main.ts -- hash-password`, '/dev/null'],
        { cwd: BRIDGE_DIR, stdio: ['pipe', 'pipe', 'pipe'] },
      );
      let screen = '';
      child.stdout?.on('data', (chunk) => {
        screen += chunk;
      });
      const exited = once(child, 'exit').then(([code]) => code as number | null);
      const typed = (async () => {
        await waitFor(() => screen.includes('Password: '), 'the first prompt', 15_000);
        child.stdin?.write(`${answers[0]}\r`);
        await waitFor(() => screen.includes('Again: '), 'the second prompt', 15_000);
        child.stdin?.write(`${answers[1]}\r`);
      })();
      return { screen: () => screen, done: typed.then(() => exited) };
    };
    const same = prompt(['typed secret', 'typed secret']);
    const different = prompt(['one', 'two']);
    expect(await same.done).toBe(0);
    const hash = /scrypt:\S+/.exec(same.screen())?.[0] as string;
    expect(await matches('typed secret', hash)).toBe(true);
    expect(same.screen()).not.toContain('typed secret');
    expect(await different.done).toBe(2);
    expect(different.screen()).toMatch(/the two passwords differ; nothing was hashed/);
  });
});
