/**
 * `hash-password` and `new-token` as users run them (`node src/main.ts -- hash-password`): the password from
 * stdin or from a terminal prompt that echoes nothing (a real pseudo-terminal, through util-linux `script`),
 * never from argv; the output is what the config takes.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parsePasswordHash, verifyPassword } from '../auth/password-hash.ts';
import { parseConfig } from '../config/load.ts';
import { waitFor } from '../testing/wait-for.ts';

const BRIDGE_DIR = fileURLToPath(new URL('../..', import.meta.url));

function run(
  args: string[],
  input?: string,
): { child: ChildProcess; done: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
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
  if (input !== undefined) child.stdin?.end(input);
  const done = once(child, 'exit').then(([code]) => ({ code: code as number | null, stdout, stderr }));
  return { child, done };
}

async function matches(password: string, hashText: string): Promise<boolean> {
  const hash = parsePasswordHash(hashText);
  if (typeof hash === 'string') throw new Error(hash);
  return verifyPassword(password, hash);
}

describe('hash-password and new-token', () => {
  it('hashes the first line of stdin, and prints JSON with --json', async () => {
    const plain = await run(['--', 'hash-password'], 'pass word é\nsecond line ignored\n').done;
    expect(plain.code).toBe(0);
    const hash = plain.stdout.trim();
    expect(plain.stdout).toMatch(/^scrypt:16384:8:1:\S+\n$/);
    expect(await matches('pass word é', hash)).toBe(true);
    expect(
      parseConfig({ vms: [], users: [{ name: 'a', role: 'viewer', passwordHash: hash }] }).users,
    ).toHaveLength(1);
    const json = await run(['hash-password', '--json'], 'pw\r\n').done;
    expect(await matches('pw', JSON.parse(json.stdout).passwordHash)).toBe(true);
  });

  it.each([
    [
      ['hash-password', 'hunter2'],
      /hash-password: unexpected argument: the password is never taken from the command line/,
    ],
    [['hash-password', '--password=hunter2'], /never taken from the command line/],
    [['new-token', 'x'], /new-token: unexpected argument: it takes no arguments/],
  ])('refuses %j with exit code 2, saying why', async (args, message) => {
    const result = await run(args, 'pw\n').done;
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toContain('hunter2');
    expect(result.stdout).toBe('');
  });

  it('refuses an empty stdin', async () => {
    const result = await run(['hash-password'], '').done;
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no password on stdin/);
  });

  it('asks twice on a terminal without echoing, and refuses two different answers', async () => {
    const prompt = (answers: string[]) => {
      // `script` gives the command a real pseudo-terminal; what we write is typed on it.
      const child = spawn(
        'script',
        ['-qec', `${process.execPath} --import tsx src/main.ts -- hash-password`, '/dev/null'],
        {
          cwd: BRIDGE_DIR,
          stdio: ['pipe', 'pipe', 'pipe'],
        },
      );
      let screen = '';
      child.stdout?.on('data', (chunk) => {
        screen += chunk;
      });
      const done = once(child, 'exit').then(([code]) => code as number | null);
      const typed = (async () => {
        await waitFor(() => screen.includes('Password: '), 'the first prompt', 15_000);
        child.stdin?.write(`${answers[0]}\r`);
        await waitFor(() => screen.includes('Again: '), 'the second prompt', 15_000);
        child.stdin?.write(`${answers[1]}\r`);
      })();
      return { screen: () => screen, done: typed.then(() => done) };
    };
    const same = prompt(['typed secret', 'typed secret']);
    expect(await same.done).toBe(0);
    const hash = /scrypt:\S+/.exec(same.screen())?.[0] as string;
    expect(await matches('typed secret', hash)).toBe(true);
    expect(same.screen()).not.toContain('typed secret');
    const different = prompt(['one', 'two']);
    expect(await different.done).toBe(2);
    expect(different.screen()).toMatch(/the two passwords differ; nothing was hashed/);
  });

  it('makes a 43-character token and its sha256, as lines or JSON', async () => {
    const lines = await run(['--', 'new-token']).done;
    expect(lines.code).toBe(0);
    const [, token, tokenHash] = /^token: (\S+)\ntokenHash: (\S+)\n$/.exec(lines.stdout) ?? [];
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(tokenHash).toBe(
      `sha256:${createHash('sha256')
        .update(token as string)
        .digest('hex')}`,
    );
    const json = JSON.parse((await run(['new-token', '--json']).done).stdout) as {
      token: string;
      tokenHash: string;
    };
    expect(json.tokenHash).toBe(`sha256:${createHash('sha256').update(json.token).digest('hex')}`);
    expect(json.token).not.toBe(token);
  });
});
