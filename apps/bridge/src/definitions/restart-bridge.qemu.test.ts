/**
 * A defined VM outlives its bridge, the bridge run as users run it (its own process): SIGTERMed, then SIGKILLed,
 * while the demo guest (booted from its ISO) runs. Each time the VM's QEMU keeps its pid, the next bridge takes
 * it back (BRIDGE_REATTACHED), the event history goes on with no seq lost or repeated, and the guest's uptime
 * (its /proc/uptime read through the guest agent) went on rather than starting over. How long the re-attach took
 * is printed for the report, never asserted.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EventRecord } from '@qmpdeck/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoGuest, NO_GUEST_REASON } from '../guest/testing/demo-guest.ts';
import { isAlive } from '../launch/process-probe.ts';
import { getJson, postJson } from '../testing/bridge.ts';
import { waitFor } from '../testing/wait-for.ts';

const BRIDGE_DIR = fileURLToPath(new URL('../..', import.meta.url));
const BOOT_WAIT_MS = 240_000;

interface RunningCli {
  child: ChildProcess;
  url: string;
  spawnedAt: number;
  /** When its ready line appeared (node and tsx starting take most of the time before it on a loaded box). */
  readyAt: number;
}

describe.skipIf(demoGuest?.iso == null)(
  'a defined VM across bridge restarts (the bridge as its own process)',
  () => {
    let dir: string;
    let config: string;
    let cli: RunningCli | undefined;
    let qemuPid: number | undefined;

    const startCli = async (): Promise<RunningCli> => {
      const spawnedAt = Date.now();
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', 'src/main.ts', '--', '--config', config, '--port', '0', '--log-level', 'warn'],
        { cwd: BRIDGE_DIR, stdio: ['ignore', 'pipe', 'inherit'] },
      );
      let out = '';
      child.stdout?.on('data', (chunk) => {
        out += chunk;
      });
      const url = await waitFor(() => /listening on (\S+)\n/.exec(out)?.[1], 'the ready line', 60_000);
      return { child, url, spawnedAt, readyAt: Date.now() };
    };
    const bridge = () => ({ url: (cli as RunningCli).url });
    const vm = async () => (await getJson(bridge() as never, '/api/vms/keeper')).body;
    const events = async (): Promise<EventRecord[]> =>
      (await getJson(bridge() as never, '/api/vms/keeper/events?limit=1000')).body.events;
    const guest = async (execute: string, args?: Record<string, unknown>) => {
      const answer = await postJson(bridge() as never, '/api/vms/keeper/guest/execute', {
        execute,
        ...(args ? { arguments: args } : {}),
      });
      return answer.status === 200 ? answer.body.return : undefined;
    };
    /** Seconds since the guest booted, from its /proc/uptime through the agent's file commands. */
    const uptime = async (): Promise<number> => {
      const handle = (await waitFor(
        () => guest('guest-file-open', { path: '/proc/uptime', mode: 'r' }),
        'the agent to open /proc/uptime',
        BOOT_WAIT_MS,
      )) as number;
      const read = (await guest('guest-file-read', { handle, count: 64 })) as { 'buf-b64': string };
      await guest('guest-file-close', { handle });
      return Number(Buffer.from(read['buf-b64'], 'base64').toString('utf8').split(' ')[0]);
    };
    const exitOf = async (child: ChildProcess) => {
      if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
    };

    /** Stops the bridge with `signal`, starts the next; answers how long the VM took to be back (ms). */
    const restart = async (signal: 'SIGTERM' | 'SIGKILL') => {
      const before = await events();
      const uptimeBefore = await uptime();
      const old = cli as RunningCli;
      old.child.kill(signal);
      await exitOf(old.child);
      expect(isAlive(qemuPid as number)).toBe(true);
      cli = await startCli();
      const back = await waitFor(
        async () => {
          const current = await vm();
          return current.connection === 'connected' ? current : undefined;
        },
        'the VM re-attached',
        30_000,
      );
      const reattachedMs = { spawned: Date.now() - cli.spawnedAt, ready: Date.now() - cli.readyAt };
      expect(back.process).toMatchObject({ state: 'running', pid: qemuPid });
      const after = await events();
      // Nothing lost, nothing repeated: the old history is a prefix, the seqs run on without a gap.
      expect(after.slice(0, before.length)).toEqual(before);
      expect(after.map((event) => event.seq)).toEqual(after.map((_, index) => (after[0]?.seq ?? 1) + index));
      const added = after.slice(before.length).map((event) => event.event);
      expect(added).toContain('BRIDGE_REATTACHED');
      expect(added).not.toContain('BRIDGE_PROCESS_STARTED');
      expect(
        after.find((event) => event.event === 'BRIDGE_REATTACHED' && event.seq > (before.at(-1)?.seq ?? 0))
          ?.data,
      ).toEqual({
        pid: qemuPid,
      });
      const uptimeAfter = await uptime();
      expect(uptimeAfter).toBeGreaterThan(uptimeBefore);
      console.log(
        `${signal}: re-attached ${reattachedMs.ready} ms after the new bridge's ready line (${reattachedMs.spawned} ms after its spawn); guest uptime ${uptimeBefore}s -> ${uptimeAfter}s`,
      );
    };

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'bridge-restart-'));
      const images = join(dir, 'images');
      mkdirSync(images);
      copyFileSync(demoGuest?.iso as string, join(images, 'demo-guest.iso'));
      config = join(dir, 'config.json');
      writeFileSync(
        config,
        JSON.stringify({
          vms: [],
          database: join(dir, 'events.db'),
          runtimeDir: join(dir, 'run'),
          storage: [{ id: 'local', path: images, content: ['iso'] }],
          accelerators: demoGuest?.accelerators,
        }),
      );
      cli = await startCli();
      const created = await postJson(bridge() as never, '/api/vms', {
        id: 'keeper',
        memoryMiB: 256,
        display: 'none',
        cdroms: [{ image: 'local:demo-guest.iso' }],
      });
      expect(created.status).toBe(201);
      const started = await postJson(bridge() as never, '/api/vms/keeper/start', {});
      expect(started.status).toBe(200);
      qemuPid = started.body.process.pid;
      await uptime();
    }, BOOT_WAIT_MS + 60_000);

    afterAll(async () => {
      if (cli && cli.child.exitCode === null) {
        cli.child.kill('SIGKILL');
        await exitOf(cli.child);
      }
      if (qemuPid !== undefined && isAlive(qemuPid)) process.kill(qemuPid, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    });

    it('SIGTERM: the VM keeps running and the next bridge takes it back', () => restart('SIGTERM'), 120_000);

    it('SIGKILL: the same, from a bridge that had no time to say goodbye', () => restart('SIGKILL'), 120_000);
  },
);

if (demoGuest?.iso == null) console.warn(NO_GUEST_REASON);
