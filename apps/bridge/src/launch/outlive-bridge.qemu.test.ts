/**
 * Managed QEMUs outlive the bridge: a bridge that stops (without `stopVmsOnExit`) leaves them running in their
 * runtime directory; the next bridge takes them back (BRIDGE_REATTACHED, the same pid, the event history going on
 * with the next seqs), kills them, and sees one that quits although it is not its child. A pidfile naming another
 * program is not taken for the VM, and a second bridge on the same runtime directory is refused. In-process
 * bridges here; the bridge as its own process, SIGTERMed and SIGKILLed, is in definitions/.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EventRecord, Vm } from '@qmpdeck/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BridgeConfig } from '../config/schema.ts';
import { type RunningBridge, StartupError } from '../server.ts';
import { getJson, postJson, startTestBridge } from '../testing/bridge.ts';
import { QEMU_BASE_ARGS } from '../testing/qemu.ts';
import { waitFor } from '../testing/wait-for.ts';
import { isAlive } from './process-probe.ts';

describe('managed QEMUs outlive the bridge', () => {
  let dir: string;
  let bridge: RunningBridge | undefined;
  const pids: number[] = [];
  const config = (): Partial<BridgeConfig> => ({
    vms: [{ id: 'keep', name: 'Kept', launch: { args: [...QEMU_BASE_ARGS] } }],
    stopVmsOnExit: false,
  });

  const start = async () => {
    bridge = await startTestBridge(dir, config());
    return bridge;
  };
  const vm = async () => Vm.parse((await getJson(bridge as RunningBridge, '/api/vms/keep')).body);
  const events = async (): Promise<EventRecord[]> =>
    (await getJson(bridge as RunningBridge, '/api/vms/keep/events?limit=1000')).body.events;
  const connected = () =>
    waitFor(async () => ((await vm()).status === 'prelaunch' ? vm() : undefined), 'keep up');

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'bridge-outlive-'));
  });

  afterEach(async () => {
    await bridge?.stop();
    bridge = undefined;
  });

  afterAll(() => {
    for (const pid of pids) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('leaves its QEMU running, in its runtime directory, when it stops', async () => {
    await start();
    const before = await connected();
    const pid = before.process?.pid as number;
    pids.push(pid);
    const runtime = join(dir, 'vms', 'keep');
    expect(Number(readFileSync(join(runtime, 'qemu.pid'), 'utf8'))).toBe(pid);
    expect(existsSync(join(runtime, 'qemu.log'))).toBe(true);
    await bridge?.stop();
    bridge = undefined;
    expect(isAlive(pid)).toBe(true);
    expect(existsSync(join(runtime, 'qmp.sock'))).toBe(true);
  });

  it('takes it back when it starts again: same pid, BRIDGE_REATTACHED, seqs going on without a gap', async () => {
    const pid = pids[0] as number;
    await start();
    const after = await connected();
    expect(after).toMatchObject({ connection: 'connected', process: { state: 'running', pid } });
    const all = await events();
    expect(all.map((e) => e.seq)).toEqual(all.map((_, index) => index + 1));
    const names = all.map((e) => e.event);
    expect(names).toEqual([
      'BRIDGE_PROCESS_STARTED',
      'BRIDGE_CONNECTED',
      'BRIDGE_DISCONNECTED',
      'BRIDGE_REATTACHED',
      'BRIDGE_CONNECTED',
    ]);
    expect(all[3]?.data).toEqual({ pid });
    // Commands reach the same QEMU.
    expect(
      (await postJson(bridge as RunningBridge, '/api/vms/keep/execute', { execute: 'query-status' })).body,
    ).toMatchObject({ return: { status: 'prelaunch' } });
  });

  it('kills a QEMU it took back, by its pid', async () => {
    await start();
    const pid = (await connected()).process?.pid as number;
    const killed = await postJson(bridge as RunningBridge, '/api/vms/keep/kill', {});
    expect(Vm.parse(killed.body)).toMatchObject({
      connection: 'stopped',
      message: 'QEMU was killed by SIGKILL',
      process: { state: 'exited', signal: 'SIGKILL', pid: null },
    });
    expect(isAlive(pid)).toBe(false);
  });

  it('sees a QEMU it took back quit by itself, though it is not its child', async () => {
    await start();
    await postJson(bridge as RunningBridge, '/api/vms/keep/start', {});
    const pid = (await connected()).process?.pid as number;
    pids.push(pid);
    await bridge?.stop();
    await start();
    expect((await connected()).process?.pid).toBe(pid);
    await postJson(bridge as RunningBridge, '/api/vms/keep/execute', { execute: 'quit' });
    const gone = await waitFor(async () => {
      const current = await vm();
      return current.connection === 'stopped' ? current : undefined;
    }, 'keep stopped');
    // Not our child: its exit code is unknown, and a clean quit gives no complaint to quote.
    expect(gone).toMatchObject({ message: 'QEMU exited', process: { state: 'exited', exitCode: null } });
    expect((await events()).map((e) => e.event).slice(-3)).toEqual(
      expect.arrayContaining(['SHUTDOWN', 'BRIDGE_PROCESS_EXITED']),
    );
  });

  it('does not take a pidfile naming another program for the VM: it starts a QEMU of its own', async () => {
    writeFileSync(join(dir, 'vms', 'keep', 'qemu.pid'), `${process.pid}\n`);
    await start();
    const fresh = await connected();
    pids.push(fresh.process?.pid as number);
    expect(fresh.process?.pid).not.toBe(process.pid);
    expect((await events()).at(-2)?.event).toBe('BRIDGE_PROCESS_STARTED');
  });

  it('refuses to start beside another bridge holding the runtime directory, and takes over a stale claim', async () => {
    // Another bridge: a node process whose pid the runtime directory's claim names.
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    await once(other, 'spawn');
    try {
      writeFileSync(join(dir, 'bridge.pid'), `${other.pid}\n`);
      const refused = startTestBridge(dir, config());
      await expect(refused).rejects.toBeInstanceOf(StartupError);
      await expect(refused).rejects.toThrow(`another bridge (pid ${other.pid}) manages the VMs in ${dir}`);
    } finally {
      other.kill('SIGKILL');
      await once(other, 'exit');
    }
    await start();
    expect(readFileSync(join(dir, 'bridge.pid'), 'utf8')).toBe(`${process.pid}\n`);
  });
});
