/**
 * Contract v1 end to end against two real QEMUs (one on a unix socket, one on
 * TCP): every HTTP route and WebSocket message, the error cases, and a QEMU
 * killed with SIGKILL and restarted while the other VM carries on.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EventMessage, EventPage, Health, Vm, VmList, type VmMessage } from '@qmpdeck/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBridge } from './server.ts';
import { getJson, postJson, startTestBridge } from './testing/bridge.ts';
import { startQemu, startTcpQemu, type TestQemu } from './testing/qemu.ts';
import { waitFor } from './testing/wait-for.ts';
import { TestWsClient } from './testing/ws-client.ts';

describe('bridge against two real QEMUs', () => {
  let dir: string;
  let alpha: TestQemu;
  let beta: TestQemu;
  let bridge: RunningBridge;
  const clients: TestWsClient[] = [];

  async function connect(): Promise<TestWsClient> {
    const client = await TestWsClient.connect(bridge.url);
    clients.push(client);
    return client;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bridge-qemu-'));
    [alpha, beta] = await Promise.all([
      startQemu(dir, 'alpha', ['-drive', 'if=ide,media=cdrom,id=cd0']),
      startTcpQemu(),
    ]);
    bridge = await startTestBridge(dir, {
      vms: [
        { id: 'alpha', name: 'Alpha', qmp: { socket: alpha.socket as string } },
        { id: 'beta', qmp: { host: '127.0.0.1', port: beta.port as number } },
      ],
    });
    await waitFor(
      () => bridge.registry.all().every((vm) => vm.connection === 'connected' && vm.status !== null),
      'both VMs connected',
    );
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    await bridge?.stop();
    await Promise.all([alpha?.kill(), beta?.kill()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports health with version, uptime and VM counts', async () => {
    const { status, body } = await getJson(bridge, '/api/health');
    expect(status).toBe(200);
    const health = Health.parse(body);
    expect(health.vms).toMatchObject({ total: 2, connected: 2 });
    expect(health.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('lists the VMs with connection, run state and QEMU version', async () => {
    const { status, body } = await getJson(bridge, '/api/vms');
    expect(status).toBe(200);
    const vms = VmList.parse(body);
    expect(vms.map((vm) => [vm.id, vm.name, vm.connection, vm.status])).toEqual([
      ['alpha', 'Alpha', 'connected', 'prelaunch'],
      ['beta', 'beta', 'connected', 'prelaunch'],
    ]);
    expect(vms[0]?.qemu).toMatchObject({ major: 7, minor: 2 });
    expect(vms[0]).toMatchObject({ managed: false, process: null, origin: 'config' });
  });

  it('gets one VM, and 404 VmNotFound for an unknown one', async () => {
    const one = await getJson(bridge, '/api/vms/beta');
    expect(one.status).toBe(200);
    expect(Vm.parse(one.body).id).toBe('beta');
    const missing = await getJson(bridge, '/api/vms/nope');
    expect(missing).toEqual({
      status: 404,
      body: { error: { class: 'VmNotFound', desc: 'no VM with id "nope"' } },
    });
  });

  it('executes over HTTP and passes QEMU errors through with their own class', async () => {
    const ok = await postJson(bridge, '/api/vms/beta/execute', { execute: 'query-status' });
    expect(ok).toEqual({
      status: 200,
      body: { return: { status: 'prelaunch', running: false, singlestep: false } },
    });

    const notFound = await postJson(bridge, '/api/vms/beta/execute', { execute: 'nope' });
    expect(notFound.status).toBe(400);
    expect(notFound.body.error).toEqual({
      class: 'CommandNotFound',
      desc: 'The command nope has not been found',
    });

    const device = await postJson(bridge, '/api/vms/alpha/execute', {
      execute: 'eject',
      arguments: { device: 'zz' },
    });
    expect(device.status).toBe(400);
    expect(device.body.error.class).toBe('DeviceNotFound');
  });

  it('refuses bad execute requests with a clear error', async () => {
    expect(await postJson(bridge, '/api/vms/beta/execute', '{"execute"')).toMatchObject({
      status: 400,
      body: { error: { class: 'InvalidJson' } },
    });
    expect(await postJson(bridge, '/api/vms/beta/execute', { execute: 5 })).toMatchObject({
      status: 400,
      body: { error: { class: 'BadRequest' } },
    });
    expect(await postJson(bridge, '/api/vms/nope/execute', { execute: 'stop' })).toMatchObject({
      status: 404,
      body: { error: { class: 'VmNotFound' } },
    });
    const huge = await postJson(bridge, '/api/vms/beta/execute', {
      execute: 'qom-list',
      arguments: { path: 'x'.repeat(1024 * 1024 + 10) },
    });
    expect(huge.status).toBe(413);
    expect(huge.body.error.class).toBe('PayloadTooLarge');
    const unknown = await getJson(bridge, '/api/nothing/here');
    expect(unknown).toMatchObject({ status: 404, body: { error: { class: 'NotFound' } } });
    const wrongMethod = await postJson(bridge, '/api/health', {});
    expect(wrongMethod).toMatchObject({ status: 405, body: { error: { class: 'MethodNotAllowed' } } });
  });

  it('drives a VM over the WebSocket: hello, subscribe, execute/result, event with cause, vm', async () => {
    const ws = await connect();
    const watcher = await connect();
    expect(ws.messages[0]).toMatchObject({ type: 'hello', version: expect.any(String), protocol: 1 });

    ws.send({ type: 'subscribe', vm: 'alpha' });
    const subscribed = await ws.next((m) => m.type === 'subscribed' && m.vm === 'alpha');
    expect(subscribed).toMatchObject({ lastSeq: expect.any(Number) });

    const result = await ws.request({
      type: 'execute',
      id: 'r1',
      vm: 'alpha',
      execute: 'cont',
      origin: 'Resume button',
    });
    expect(result).toEqual({ type: 'result', id: 'r1', return: {} });
    const resume = await ws.next<EventMessage>((m) => m.type === 'event' && m.event === 'RESUME');
    expect(resume).toMatchObject({
      vm: 'alpha',
      source: 'qemu',
      timestamp: { seconds: expect.any(Number), microseconds: expect.any(Number) },
      cause: {
        command: 'cont',
        id: 'r1',
        client: expect.stringMatching(/^c\d+$/),
        origin: 'Resume button',
        user: null,
      },
    });
    expect(resume.seq).toBeGreaterThan(subscribed.type === 'subscribed' ? subscribed.lastSeq : 0);
    // Every client hears about the run state, subscribed or not.
    await watcher.seen<VmMessage>((m) => m.type === 'vm' && m.vm.id === 'alpha' && m.vm.status === 'running');

    await ws.request({ type: 'execute', id: 2, vm: 'alpha', execute: 'stop', origin: 'Pause button' });
    const stop = await ws.next<EventMessage>((m) => m.type === 'event' && m.event === 'STOP');
    expect(stop.seq).toBe(resume.seq + 1);
    expect(stop.cause).toMatchObject({ command: 'stop', id: '2', origin: 'Pause button' });
    await watcher.seen<VmMessage>((m) => m.type === 'vm' && m.vm.id === 'alpha' && m.vm.status === 'paused');

    const failed = await ws.request({ type: 'execute', id: 'r3', vm: 'alpha', execute: 'nope' });
    expect(failed).toEqual({
      type: 'result',
      id: 'r3',
      error: { class: 'CommandNotFound', desc: 'The command nope has not been found' },
    });
    expect(watcher.messages.some((m) => m.type === 'event')).toBe(false);
    expect([...ws.invalid, ...watcher.invalid]).toEqual([]);
  });

  it('stops sending events after unsubscribe', async () => {
    const ws = await connect();
    ws.send({ type: 'subscribe', vm: 'alpha' });
    await ws.next((m) => m.type === 'subscribed');
    ws.send({ type: 'unsubscribe', vm: 'alpha' });
    // A ping answered after the unsubscribe proves the unsubscribe was handled.
    ws.send({ type: 'ping', id: 'p' });
    await ws.next((m) => m.type === 'pong');
    await postJson(bridge, '/api/vms/alpha/execute', { execute: 'cont' });
    await postJson(bridge, '/api/vms/alpha/execute', { execute: 'stop' });
    const other = await connect();
    other.send({ type: 'ping', id: 'q' });
    await other.next((m) => m.type === 'pong');
    expect(ws.messages.filter((m) => m.type === 'event')).toEqual([]);
  });

  it('pages through stored events', async () => {
    const all = EventPage.parse((await getJson(bridge, '/api/vms/alpha/events?after=0&limit=1000')).body);
    expect(all.events.length).toBeGreaterThanOrEqual(3);
    expect(all.events.map((e) => e.seq)).toEqual(all.events.map((_, i) => i + 1));
    expect(all.events[0]).toMatchObject({ event: 'BRIDGE_CONNECTED', source: 'bridge' });
    expect(all.lastSeq).toBe(all.events.at(-1)?.seq);

    const page = EventPage.parse((await getJson(bridge, '/api/vms/alpha/events?after=1&limit=2')).body);
    expect(page.events.map((e) => e.seq)).toEqual([2, 3]);
    const newest = EventPage.parse(
      (await getJson(bridge, `/api/vms/alpha/events?before=${all.lastSeq + 1}&limit=2`)).body,
    );
    expect(newest.events.map((e) => e.seq)).toEqual([all.lastSeq - 1, all.lastSeq]);
    const bad = await getJson(bridge, '/api/vms/alpha/events?after=-1');
    expect(bad).toMatchObject({ status: 400, body: { error: { class: 'BadRequest' } } });
  });

  it('serves the schema, cached per QEMU version', async () => {
    const first = await getJson(bridge, '/api/vms/alpha/schema');
    expect(first.status).toBe(200);
    expect(Array.isArray(first.body)).toBe(true);
    expect((first.body as { name: string }[]).some((entry) => entry.name === 'query-status')).toBe(true);
    const sent = bridge.registry.get('beta')?.inflight.recent().length ?? 0;
    const second = await getJson(bridge, '/api/vms/beta/schema');
    expect(second.body).toEqual(first.body);
    // Same QEMU version: beta's schema came from the cache, not from a command to beta.
    expect(
      bridge.registry
        .get('beta')
        ?.inflight.recent()
        .slice(sent)
        .some((entry) => entry.command.execute === 'query-qmp-schema'),
    ).toBe(false);
  });

  it('lists commands in flight (none when idle)', async () => {
    expect(await getJson(bridge, '/api/vms/alpha/inflight')).toEqual({ status: 200, body: [] });
  });

  it('shows a SIGKILLed QEMU as disconnected to every client, leaves the other VM alone, and reconnects', async () => {
    const ws = await connect();
    ws.send({ type: 'subscribe', vm: 'beta' });
    const { lastSeq } = (await ws.next((m) => m.type === 'subscribed')) as { lastSeq: number };
    await beta.kill('SIGKILL');
    await ws.next<VmMessage>(
      (m) => m.type === 'vm' && m.vm.id === 'beta' && m.vm.connection === 'disconnected',
    );
    const down = await ws.next<EventMessage>((m) => m.type === 'event' && m.event === 'BRIDGE_DISCONNECTED');
    expect(down.seq).toBe(lastSeq + 1);
    expect(bridge.registry.get('alpha')?.connection).toBe('connected');
    expect((await postJson(bridge, '/api/vms/beta/execute', { execute: 'query-status' })).body).toMatchObject(
      {
        error: { class: 'VmNotConnected' },
      },
    );

    beta = await startTcpQemu([], beta.port);
    const up = await ws.next<EventMessage>((m) => m.type === 'event' && m.event === 'BRIDGE_CONNECTED');
    expect(up.seq).toBe(down.seq + 1);
    await ws.next<VmMessage>((m) => m.type === 'vm' && m.vm.id === 'beta' && m.vm.status === 'prelaunch');
  });
});
