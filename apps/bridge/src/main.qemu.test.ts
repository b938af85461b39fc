/**
 * The CLI exactly as users run it: bundled as `pnpm start` makes it (`node dist/main.mjs -- --config FILE
 * --host 127.0.0.1 --port N`; scripts/bundle.ts): the ready line, a managed QEMU, graceful SIGTERM, and exit
 * code 2 with a one-line message for every mistake.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VmList } from '@qmpdeck/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleBridge } from '../scripts/bundle.ts';
import { freePort, QEMU_BASE_ARGS } from './testing/qemu.ts';
import { waitFor } from './testing/wait-for.ts';

const BRIDGE_DIR = fileURLToPath(new URL('..', import.meta.url));
/** The bundle, made once for this file (scripts/bundle.ts replaces it atomically, so parallel files may too). */
const bundle = await bundleBridge();

function runCli(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; ownGroup?: boolean } = {},
): { child: ChildProcess; stdout: () => string; stderr: () => string } {
  const child = spawn(process.execPath, [bundle, ...args], {
    cwd: BRIDGE_DIR,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
    // As a terminal's foreground job: a group of its own that a Ctrl-C reaches as a whole.
    detached: options.ownGroup === true,
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk) => {
    out += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    err += chunk;
  });
  return { child, stdout: () => out, stderr: () => err };
}

async function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const [code] = (await once(child, 'exit')) as [number | null];
  return code;
}

describe('the bridge CLI', () => {
  let dir: string;
  let config: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'bridge-cli-'));
    config = join(dir, 'config.json');
    writeFileSync(
      config,
      JSON.stringify({
        vms: [{ id: 'demo', launch: { args: QEMU_BASE_ARGS } }],
        database: join(dir, 'events.db'),
        stopVmsOnExit: true,
        runtimeDir: join(dir, 'run'),
      }),
    );
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints "listening on http://H:N", serves the config\'s VMs, and stops its QEMU on SIGTERM', async () => {
    const port = await freePort();
    const cli = runCli([
      '--',
      '--config',
      config,
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--log-level',
      'warn',
    ]);
    try {
      await waitFor(
        () => cli.stdout().includes(`listening on http://127.0.0.1:${port}\n`),
        'the ready line',
        15_000,
      );
      expect(cli.stdout()).toBe(`listening on http://127.0.0.1:${port}\n`);
      const vms = await waitFor(async () => {
        const list = VmList.parse(await (await fetch(`http://127.0.0.1:${port}/api/vms`)).json());
        return list[0]?.status === 'prelaunch' ? list : undefined;
      }, 'the demo VM connected');
      const pid = vms[0]?.process?.pid as number;
      cli.child.kill('SIGTERM');
      expect(await exitOf(cli.child)).toBe(0);
      expect(() => process.kill(pid, 0)).toThrow();
    } finally {
      cli.child.kill('SIGKILL');
    }
  });

  it('stops gracefully on a Ctrl-C that reaches it twice (the whole group, then a wrapper forwarding it)', async () => {
    const runtime = join(dir, 'run');
    const xdg = mkdtempSync(join(dir, 'xdg-'));
    const cli = runCli(['--', '--config', config, '--port', '0'], {
      env: { XDG_RUNTIME_DIR: xdg },
      ownGroup: true,
    });
    const pid = cli.child.pid as number;
    try {
      const url = await waitFor(
        () => /listening on (\S+)\n/.exec(cli.stdout())?.[1],
        'the ready line',
        15_000,
      );
      await waitFor(async () => {
        const list = VmList.parse(await (await fetch(`${url}/api/vms`)).json());
        return list[0]?.status === 'prelaunch';
      }, 'the demo VM connected');
      expect(readdirSync(join(runtime, 'vms'))).toEqual(['demo']);
      // The VM's QMP endpoint is in the runtime directory too (the proxy's default), whatever XDG_RUNTIME_DIR says.
      expect(readdirSync(runtime).sort()).toEqual(['bridge.pid', 'demo.qmp', 'vms']);
      expect(readdirSync(xdg)).toEqual([]);
      process.kill(-pid, 'SIGINT'); // what a terminal's Ctrl-C does
      cli.child.kill('SIGINT'); // what `pnpm start`'s wrapper then forwards
      expect(await exitOf(cli.child)).toBe(0);
      expect(cli.stderr()).not.toMatch(/exiting now/);
      // stopVmsOnExit: its QEMU stopped, its directory removed, its endpoint gone, and the root let go.
      expect(readdirSync(join(runtime, 'vms'))).toEqual([]);
      expect(readdirSync(runtime)).toEqual(['vms']);
    } finally {
      if (cli.child.exitCode === null) process.kill(-pid, 'SIGKILL');
    }
  });

  it.concurrent('stops gracefully on SIGHUP (the terminal closed)', async () => {
    const empty = join(dir, 'empty.json');
    writeFileSync(empty, JSON.stringify({ vms: [], database: join(dir, 'empty.db') }));
    const cli = runCli(['--', '--config', empty, '--port', '0']);
    await waitFor(() => cli.stdout().includes('listening on'), 'the ready line', 15_000);
    cli.child.kill('SIGHUP');
    expect(await exitOf(cli.child)).toBe(0);
    expect(cli.stderr()).toMatch(/"signal":"SIGHUP","msg":"stopping"/);
  });

  it('logs a VM it cannot reach at warn, and with --log-level debug every retry with its reason', async () => {
    const unreachable = join(dir, 'unreachable.json');
    writeFileSync(
      unreachable,
      JSON.stringify({
        vms: [{ id: 'x', qmp: { socket: join(dir, 'nothere.sock') } }],
        database: join(dir, 'unreachable.db'),
      }),
    );
    const cli = runCli(['--', '--config', unreachable, '--port', '0', '--log-level', 'debug']);
    const logLines = () =>
      cli
        .stderr()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { level: number; msg: string; vm?: string; reason?: unknown });
    try {
      const retries = await waitFor(
        () => {
          const retried = logLines().filter((line) => line.vm === 'x' && line.msg === 'VM retry failed');
          return retried.length >= 2 ? retried : undefined;
        },
        'retries in the log',
        15_000,
      );
      expect(retries[0]).toMatchObject({ level: 20, reason: { class: 'ConnectFailed' } });
      expect(logLines()).toContainEqual(
        expect.objectContaining({ level: 40, vm: 'x', msg: 'VM not reachable; retrying' }),
      );
    } finally {
      cli.child.kill('SIGTERM');
      await exitOf(cli.child);
    }
  });

  it.concurrent.each([
    [['--', '--nope'], /Unknown option '--nope'/],
    [['--', '--config', '/no/such/file.json'], /cannot read config file \/no\/such\/file\.json: ENOENT/],
    [
      ['--', '--host', '0.0.0.0', '--port', '0'],
      /refusing to listen on 0\.0\.0\.0: no users are configured.*add one: `pnpm start -- new-token` \/ `hash-password`, see docs\/operations\.md/,
    ],
    [
      ['--', '--host', '192.0.2.1', '--port', '0'],
      /refusing to listen on 192\.0\.2\.1: no users are configured/,
    ],
    [['--', '--config', '/dev/null/x.json'], /cannot read config file/],
  ])('exits 2 with a message for %j', async (args, message) => {
    const cli = runCli(args);
    expect(await exitOf(cli.child)).toBe(2);
    expect(cli.stderr()).toMatch(message);
    expect(cli.stderr()).not.toMatch(/\n\s+at /);
    expect(cli.stdout()).toBe('');
  });

  // Not concurrent: it waits for a ready line, which the others' process starts slow down on a loaded machine.
  it('with users, listens on every address, warning that plain HTTP there needs TLS', async () => {
    const withUsers = join(dir, 'users.json');
    writeFileSync(
      withUsers,
      JSON.stringify({
        vms: [],
        database: join(dir, 'users.db'),
        users: [{ name: 'ada', role: 'admin', token: 'a-token-for-the-cli-test' }],
      }),
    );
    const cli = runCli(['--', '--config', withUsers, '--host', '0.0.0.0', '--port', '0']);
    try {
      const url = await waitFor(
        () => /listening on (\S+)\n/.exec(cli.stdout())?.[1],
        'the ready line',
        30_000,
      );
      expect(url).toMatch(/^http:\/\/0\.0\.0\.0:\d+$/);
      const warning = cli
        .stderr()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { level: number; msg: string })
        .find((line) => line.msg.startsWith('serving plain HTTP on a network address'));
      expect(warning?.level).toBe(40);
      expect(warning?.msg).toMatch(/set "tls" in the config or put a TLS reverse proxy in front/);
      const port = new URL(url).port;
      expect((await fetch(`http://127.0.0.1:${port}/api/vms`)).status).toBe(401);
    } finally {
      cli.child.kill('SIGTERM');
      await exitOf(cli.child);
    }
  }, 40_000);

  it.concurrent('exits 2 when the TLS certificate is unusable', async () => {
    const badTls = join(dir, 'bad-tls.json');
    writeFileSync(
      badTls,
      JSON.stringify({
        vms: [],
        database: join(dir, 'tls.db'),
        users: [{ name: 'ada', role: 'admin', token: 'a-token-for-the-cli-test' }],
        tls: { cert: 'missing-cert.pem', key: 'missing-key.pem' },
      }),
    );
    const cli = runCli(['--', '--config', badTls, '--port', '0']);
    expect(await exitOf(cli.child)).toBe(2);
    expect(cli.stderr()).toMatch(/cannot read the TLS certificate .*missing-cert\.pem: ENOENT/);
    expect(cli.stderr()).not.toMatch(/\n\s+at /);
  });

  it.concurrent('exits 2 when the event database cannot be opened', async () => {
    const blocked = join(dir, 'blocked.json');
    // A regular file where the database's directory should be.
    writeFileSync(blocked, JSON.stringify({ vms: [], database: join(dir, 'config.json', 'events.db') }));
    const cli = runCli(['--', '--config', blocked, '--port', '0']);
    expect(await exitOf(cli.child)).toBe(2);
    expect(cli.stderr()).toMatch(/cannot open the event database .*config\.json\/events\.db: E[A-Z]+/);
  });

  it.concurrent('exits 2 naming the field of an invalid config', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ vms: [{ id: 'a', qmp: { host: 'h', port: 'x' } }] }));
    const cli = runCli(['--', '--config', bad]);
    expect(await exitOf(cli.child)).toBe(2);
    expect(cli.stderr()).toContain('vms[0].qmp.port: expected a number');
  });
});
