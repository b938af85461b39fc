/**
 * The bridge in a terminal, as a person runs it: human log lines on a TTY (JSON when piped or asked), a managed
 * VM's normal start and clean power-down without warnings, and `pnpm start` stopped with Ctrl-C (the terminal's
 * SIGINT to the whole foreground process group): QEMU is not in that group (the bridge stops it), and everything
 * exits 0 with no "ELIFECYCLE Command failed" from pnpm.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VmList } from '@qmpdeck/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QEMU_BASE_ARGS } from './testing/qemu.ts';
import { waitFor } from './testing/wait-for.ts';

const BRIDGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

interface Run {
  child: ChildProcess;
  output: () => string;
}

/** Runs argv with its output collected; `group`: in a process group (and session) of its own, as a terminal job. */
function run(argv: string[], cwd: string, group = false): Run {
  const [command, ...args] = argv as [string, ...string[]];
  const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: group });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  return { child, output: () => output };
}

async function exitCode(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const [code] = (await once(child, 'exit')) as [number | null];
  return code;
}

/** The bridge's URL once it printed its ready line, and its managed VM connected. */
async function ready(started: Run): Promise<string> {
  const url = await waitFor(
    () => /listening on (http:\/\/\S+)/.exec(started.output())?.[1],
    'the ready line',
    30_000,
  );
  await waitFor(
    async () => VmList.parse(await (await fetch(`${url}/api/vms`)).json())[0]?.status === 'prelaunch',
    'the managed VM connected',
    30_000,
  );
  return url;
}

describe('the bridge in a terminal', () => {
  let dir: string;
  let config: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'bridge-terminal-'));
    config = configFor('bridge');
  });

  /** A config of its own per bridge: bridges that run at once each need their own runtime directory. */
  function configFor(name: string): string {
    const path = join(dir, `${name}.json`);
    writeFileSync(
      path,
      JSON.stringify({
        vms: [{ id: 'demo', launch: { args: QEMU_BASE_ARGS } }],
        database: join(dir, `${name}.db`),
        stopVmsOnExit: true,
        runtimeDir: join(dir, `${name}-run`),
      }),
    );
    return path;
  }

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const bridgeArgv = (extra: string[], configPath = config) => [
    process.execPath,
    '--import',
    'tsx',
    'src/main.ts',
    '--config',
    configPath,
    '--port',
    '0',
    ...extra,
  ];

  it('writes human lines on a terminal, JSON there when asked, and JSON when piped', async () => {
    // `script` gives the bridge a real pseudo-terminal as stdout and stderr.
    const onTty = (extra: string[], name: string) =>
      run(['script', '-qfec', bridgeArgv(extra, configFor(name)).join(' '), '/dev/null'], BRIDGE_DIR, true);
    for (const [bridge, json] of [
      [onTty([], 'tty'), false],
      [onTty(['--log-format', 'json'], 'tty-json'), true],
      [run(bridgeArgv([], configFor('piped')), BRIDGE_DIR, true), true],
    ] as const) {
      try {
        await ready(bridge);
        await waitFor(() => /VM connected/.test(bridge.output()), 'the VM connected line');
        const line =
          bridge
            .output()
            .split(/\r?\n/)
            .find((text) => text.includes('VM connected')) ?? '';
        if (json) expect(JSON.parse(line)).toMatchObject({ level: 30, msg: 'VM connected', vm: 'demo' });
        else expect(line).toMatch(/^\[?[\d:.]+\]? .*INFO.*VM connected/);
      } finally {
        process.kill(-(bridge.child.pid as number), 'SIGTERM');
        await exitCode(bridge.child);
      }
    }
  });

  it('stops pnpm start on Ctrl-C with exit 0: no ELIFECYCLE, QEMU outside the group, no warnings', async () => {
    const started = run(['pnpm', 'start', '--', '--config', config, '--port', '0'], REPO_ROOT, true);
    const group = started.child.pid as number;
    try {
      const url = await ready(started);
      const qemuPid = VmList.parse(await (await fetch(`${url}/api/vms`)).json())[0]?.process?.pid as number;
      const qemuGroup = Number(readFileSync(`/proc/${qemuPid}/stat`, 'utf8').split(') ')[1]?.split(' ')[2]);
      expect(qemuGroup).not.toBe(group);
      process.kill(-group, 'SIGINT'); // what the terminal does on Ctrl-C
      expect(await exitCode(started.child)).toBe(0);
      const output = started.output();
      expect(output).not.toMatch(/ELIFECYCLE|Command failed/);
      // QEMU heard nothing from the terminal: the bridge stopped it (SIGTERM), after itself deciding to stop.
      expect(output).not.toMatch(/terminating on signal 2/);
      expect(output).not.toMatch(/not reachable|disconnected; retrying|"level":(40|50)/);
      expect(() => process.kill(qemuPid, 0)).toThrow();
    } finally {
      if (started.child.exitCode === null) process.kill(-group, 'SIGKILL');
    }
  }, 60_000);
});
