/**
 * VM supervision against real QEMU: a monitor held by another client (unix or
 * TCP) shows as `busy` and is retried; a QEMU that is not there yet is waited for; a command
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
import { startQemu, startTcpQemu, type TestQemu } from '../testing/qemu.ts';
import { waitFor } from '../testing/wait-for.ts';
import { TestWsClient } from '../testing/ws-client.ts';

describe('VM supervision', () => {
  let dir: string;
  let held: TestQemu;
  let heldTcp: TestQemu;
  let free: TestQemu;
  let late: TestQemu | undefined;
  let holders: Socket[] = [];
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

  /** Another client takes the monitor first and keeps it: QEMU then sends the bridge no greeting. */
  async function holdMonitor(address: { path: string } | { host: string; port: number }): Promise<Socket> {
    return waitFor(
      () =>
        new Promise<Socket | undefined>((resolve) => {
          const socket = createConnection(address as { path: string });
          socket.once('data', () => resolve(socket));
          // QEMU may not listen yet (TCP) or may be between bind and listen (unix): asked again.
          socket.once('error', () => resolve(undefined));
        }),
      'the monitor held',
    );
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bridge-supervision-'));
    [held, heldTcp, free] = await Promise.all([
      startQemu(dir, 'held'),
      startTcpQemu(),
      startQemu(dir, 'free'),
    ]);
    holders = await Promise.all([
      holdMonitor({ path: held.socket as string }),
      holdMonitor({ host: '127.0.0.1', port: heldTcp.port as number }),
    ]);
    bridge = await startTestBridge(
      dir,
      {
        vms: [
          { id: 'held', qmp: { socket: held.socket as string } },
          { id: 'held-tcp', qmp: { host: '127.0.0.1', port: heldTcp.port as number } },
          { id: 'free', qmp: { socket: free.socket as string } },
          { id: 'late', qmp: { socket: join(dir, 'late.sock') } },
        ],
      },
      { greetingTimeoutMs: 500, connectTimeoutMs: 500, log },
    );
  });

  afterAll(async () => {
    for (const holder of holders) holder.destroy();
    await bridge?.stop();
    await Promise.all([held?.kill(), heldTcp?.kill(), free?.kill(), late?.kill()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows a monitor held by another client as busy through many retries (unix: EAGAIN, TCP: connect timeout)', async () => {
    const ids = ['held', 'held-tcp'];
    const ws = await TestWsClient.connect(bridge.url);
    for (const id of ids) {
      const busy = await waitFor(async () => {
        const current = await vm(id);
        return current.connection === 'busy' ? current : undefined;
      }, `${id} to be busy`);
      expect(busy.message).toMatch(/another client holds the monitor/);
    }
    const pushedBefore = ws.messages.length;
    // Past the first attempt QEMU's listen backlog is full of our abandoned attempt, and retries fail on the
    // connect itself; the VMs must read busy after every one of them, for 5 s and at least 5 retries each.
    const heldSince = Date.now();
    const samples: Vm[] = [];
    const retries = (id: string) => logged(LEVEL.debug, id, /retry failed/).length;
    while (Date.now() - heldSince < 5000 || ids.some((id) => retries(id) < 5)) {
      if (Date.now() - heldSince > 30_000) throw new Error(`too few retries in 30 s: ${ids.map(retries)}`);
      samples.push(...(await Promise.all(ids.map(vm))));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const pushed = ws.messages
      .slice(pushedBefore)
      .flatMap((m) => (m.type === 'vm' && ids.includes(m.vm.id) ? [m.vm] : []));
    ws.close();
    for (const seen of [...samples, ...pushed]) {
      expect(seen).toMatchObject({ connection: 'busy', message: expect.stringMatching(/holds the monitor/) });
    }
    for (const id of ids) {
      // The operator's log says so once at warn; each retry, with its reason, only at debug.
      expect(logged(LEVEL.warn, id, /./)).toHaveLength(1);
      expect(logged(LEVEL.warn, id, /busy/)[0]).toMatchObject({ reason: { class: 'MonitorBusy' } });
    }
  });

  it('connects to held monitors once they are let go', async () => {
    for (const holder of holders) holder.destroy();
    for (const id of ['held', 'held-tcp']) {
      await waitFor(async () => (await vm(id)).status === 'prelaunch', `${id} to connect`);
      expect(logged(LEVEL.info, id, /^VM connected$/)).toHaveLength(1);
      const { events } = (await getJson(bridge, `/api/vms/${id}/events`)).body as EventPage;
      expect(events.map((e) => e.event)).toEqual(['BRIDGE_BUSY', 'BRIDGE_CONNECTED']);
    }
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
