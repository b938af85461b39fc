/**
 * VM supervision against real QEMU: a monitor held by another client shows as
 * `busy` and is retried; a QEMU that is not there yet is waited for; a command
 * that times out answers `Timeout` and leaves the connection usable; commands in
 * flight are listed and pushed. Each of these shows in the operator's log.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EventPage, type InflightMessage, Vm } from '@qmpdeck/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBridge } from '../server.ts';
import { getJson, postJson, startTestBridge } from '../testing/bridge.ts';
import { captureLog, LEVEL, type LogLine } from '../testing/log-capture.ts';
import { startQemu, type TestQemu } from '../testing/qemu.ts';
import { waitFor } from '../testing/wait-for.ts';
import { TestWsClient } from '../testing/ws-client.ts';

describe('VM supervision', () => {
  let dir: string;
  let held: TestQemu;
  let free: TestQemu;
  let late: TestQemu | undefined;
  let holder: Socket;
  let bridge: RunningBridge;
  const { log, lines } = captureLog('debug');

  function logged(level: number, vm: string, msg: RegExp): LogLine[] {
    return lines.filter((line) => line.level === level && line.vm === vm && msg.test(line.msg));
  }

  async function firstLogged(level: number, vm: string, msg: RegExp): Promise<LogLine> {
    return waitFor(() => logged(level, vm, msg)[0], `a log line ${msg} for ${vm}`);
  }

  async function vm(id: string): Promise<Vm> {
    return Vm.parse((await getJson(bridge, `/api/vms/${id}`)).body);
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bridge-supervision-'));
    [held, free] = await Promise.all([startQemu(dir, 'held'), startQemu(dir, 'free')]);
    // Another client takes the monitor first and keeps it: QEMU then sends the bridge no greeting.
    holder = createConnection(held.socket as string);
    await new Promise<void>((resolve) => holder.once('data', () => resolve()));
    bridge = await startTestBridge(
      dir,
      {
        vms: [
          { id: 'held', qmp: { socket: held.socket as string } },
          { id: 'free', qmp: { socket: free.socket as string } },
          { id: 'late', qmp: { socket: join(dir, 'late.sock') } },
        ],
      },
      { greetingTimeoutMs: 500, log },
    );
  });

  afterAll(async () => {
    holder?.destroy();
    await bridge?.stop();
    await Promise.all([held?.kill(), free?.kill(), late?.kill()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows a monitor held by another client as busy through many retries, and connects once it is let go', async () => {
    const ws = await TestWsClient.connect(bridge.url);
    const busy = await waitFor(async () => {
      const current = await vm('held');
      return current.connection === 'busy' ? current : undefined;
    }, 'held to be busy');
    expect(busy.message).toMatch(/another client holds the monitor/);
    const pushedBefore = ws.messages.length;
    // Past the first attempt QEMU's listen backlog is full and retries fail at once (EAGAIN); with retries every
    // 200 ms, 5 s of holding is some 20 of them, and the VM must read busy after every one.
    const heldSince = Date.now();
    const samples: Vm[] = [];
    while (Date.now() - heldSince < 5000) {
      samples.push(await vm('held'));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const pushed = ws.messages
      .slice(pushedBefore)
      .flatMap((m) => (m.type === 'vm' && m.vm.id === 'held' ? [m.vm] : []));
    ws.close();
    for (const seen of [...samples, ...pushed]) {
      expect(seen).toMatchObject({ connection: 'busy', message: expect.stringMatching(/holds the monitor/) });
    }
    // The operator's log says so once at warn; each retry, with its reason, only at debug.
    expect(logged(LEVEL.warn, 'held', /busy/)).toHaveLength(1);
    expect(logged(LEVEL.warn, 'held', /busy/)[0]).toMatchObject({ reason: { class: 'MonitorBusy' } });
    expect(logged(LEVEL.debug, 'held', /retry failed/).length).toBeGreaterThan(5);
    holder.destroy();
    await waitFor(async () => (await vm('held')).status === 'prelaunch', 'held to connect');
    expect(logged(LEVEL.info, 'held', /^VM connected$/)).toHaveLength(1);
    const { events } = (await getJson(bridge, '/api/vms/held/events')).body as EventPage;
    expect(events.map((e) => e.event)).toEqual(['BRIDGE_BUSY', 'BRIDGE_CONNECTED']);
  });

  it('waits for a QEMU that is not there yet', async () => {
    const waiting = await vm('late');
    expect(waiting.connection).toMatch(/connecting|disconnected/);
    const unreachable = await firstLogged(LEVEL.warn, 'late', /not reachable/);
    expect(unreachable.reason).toMatchObject({
      class: 'ConnectFailed',
      desc: expect.stringMatching(/ENOENT/),
    });
    late = await startQemu(dir, 'late');
    await waitFor(async () => (await vm('late')).status === 'prelaunch', 'late to connect');
    expect(logged(LEVEL.info, 'late', /^VM connected$/)[0]).toMatchObject({ qemu: expect.any(String) });
  });

  it('logs a VM whose QEMU dies as disconnected, at warn', async () => {
    await late?.kill('SIGKILL');
    const dropped = await firstLogged(LEVEL.warn, 'late', /disconnected/);
    expect(dropped.reason).toMatchObject({ class: expect.any(String), desc: expect.any(String) });
    expect((await vm('late')).connection).toBe('disconnected');
  });

  it('logs who ran which command, never its arguments', async () => {
    await waitFor(async () => (await vm('free')).connection === 'connected', 'free connected');
    const secret = 'not-for-the-log-7f3a';
    await postJson(bridge, '/api/vms/free/execute', {
      execute: 'qom-get',
      arguments: { path: '/machine', property: secret },
    });
    await postJson(bridge, '/api/vms/free/execute', { execute: 'query-status' });
    expect(logged(LEVEL.info, 'free', /^command$/)).toContainEqual(
      expect.objectContaining({ command: 'qom-get', client: 'http' }),
    );
    expect(logged(LEVEL.debug, 'free', /^command$/)).toContainEqual(
      expect.objectContaining({ command: 'query-status', client: 'http' }),
    );
    expect(JSON.stringify(lines)).not.toContain(secret);
  });

  it('answers Timeout for a command over its time, and the connection stays usable', async () => {
    await waitFor(async () => (await vm('free')).connection === 'connected', 'free connected');
    const slow = await postJson(bridge, '/api/vms/free/execute', {
      execute: 'query-qmp-schema',
      timeoutMs: 1,
    });
    expect(slow).toMatchObject({ status: 504, body: { error: { class: 'Timeout' } } });
    const next = await postJson(bridge, '/api/vms/free/execute', { execute: 'query-status' });
    expect(next).toMatchObject({ status: 200, body: { return: { status: 'prelaunch' } } });
    expect((await vm('free')).connection).toBe('connected');
  });

  it('pushes the commands in flight to subscribers, with who, what, since when and deadline', async () => {
    const ws = await TestWsClient.connect(bridge.url);
    try {
      ws.send({ type: 'subscribe', vm: 'free' });
      await ws.next((m) => m.type === 'subscribed');
      await ws.request({
        type: 'execute',
        id: 'schema-1',
        vm: 'free',
        execute: 'query-qmp-schema',
        origin: 'test',
      });
      const started = await ws.next<InflightMessage>((m) => m.type === 'inflight' && m.commands.length === 1);
      const command = started.commands[0];
      expect(command).toMatchObject({
        id: 'schema-1',
        vm: 'free',
        execute: 'query-qmp-schema',
        origin: 'test',
        client: expect.stringMatching(/^c\d+$/),
      });
      expect((command?.deadline ?? 0) - (command?.startedAt ?? 0)).toBe(60_000);
      await ws.next<InflightMessage>((m) => m.type === 'inflight' && m.commands.length === 0);
      expect((await getJson(bridge, '/api/vms/free/inflight')).body).toEqual([]);
    } finally {
      ws.close();
    }
  });
});
