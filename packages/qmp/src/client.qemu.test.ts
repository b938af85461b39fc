import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { QmpClient } from './client.ts';
import {
  QmpAbortError,
  QmpBusyError,
  QmpConnectError,
  QmpConnectionClosed,
  QmpError,
  QmpTimeoutError,
} from './errors.ts';
import { startQemu, type TestQemu } from './testing/qemu.ts';
import type { QmpEvent } from './types.ts';

describe('QmpClient against one real QEMU', () => {
  let qemu: TestQemu;
  let client: QmpClient;

  beforeAll(async () => {
    qemu = await startQemu({ extraArgs: ['-drive', 'if=ide,media=cdrom,id=cd0'] });
    client = await QmpClient.connect({ path: qemu.qmpPath });
  });

  afterAll(async () => {
    await client?.close();
    await qemu?.dispose();
  });

  it('reads the greeting and negotiates no capability unless asked', () => {
    expect(client.greeting.version.qemu.major).toBe(7);
    expect(client.greeting.capabilities).toContain('oob');
    expect(client.capabilities).toEqual([]);
    expect(client.closed).toBe(false);
  });

  it('runs a typed command', async () => {
    const status = await client.execute('query-status');
    expect(status.status).toBe('prelaunch');
    expect(status.running).toBe(false);
  });

  it('runs an unknown-to-the-types command untyped', async () => {
    const version = (await client.execute('query-version' as string)) as { qemu: { major: number } };
    expect(version.qemu.major).toBe(7);
  });

  it.each([
    ['nope', undefined, 'CommandNotFound', 'The command nope has not been found'],
    ['eject', { device: 'zz' }, 'DeviceNotFound', "Device 'zz' not found"],
    ['eject', { device: 5 }, 'GenericError', "Invalid parameter type for 'device', expected: string"],
    ['query-status', { x: 1 }, 'GenericError', "Parameter 'x' is unexpected"],
    [
      'qmp_capabilities',
      undefined,
      'CommandNotFound',
      'Capabilities negotiation is already complete, command ignored',
    ],
  ])('turns QEMU error replies into QmpError (%s %j)', async (name, args, errorClass, desc) => {
    const error = await client.execute(name, args as Record<string, unknown>).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QmpError);
    expect(error).toMatchObject({ class: errorClass, desc, command: name });
  });

  it("delivers a command's events before its return, in order", async () => {
    const seen: string[] = [];
    const onEvent = (e: QmpEvent) => seen.push(`event:${e.event}`);
    client.on('event', onEvent);
    const cont = client.execute('cont').then(() => seen.push('return:cont'));
    const stop = client.execute('stop').then(() => seen.push('return:stop'));
    await Promise.all([cont, stop]);
    client.off('event', onEvent);
    expect(seen).toEqual(['event:RESUME', 'return:cont', 'event:STOP', 'return:stop']);
  });

  it('delivers DEVICE_TRAY_MOVED to an async iterator with the timestamp', async () => {
    const events = client.events({ names: ['DEVICE_TRAY_MOVED'] });
    await client.execute('eject', { device: 'cd0' });
    const { value } = await events.next();
    await events.return?.();
    expect(value?.event).toBe('DEVICE_TRAY_MOVED');
    expect(value?.data).toMatchObject({ device: 'cd0', 'tray-open': true });
    expect(value?.timestamp.seconds).toBeGreaterThan(0);
  });

  it('gives each event consumer its own copy of RESET', async () => {
    const a = client.events({ names: ['RESET'] });
    const b = client.events();
    await client.execute('system_reset');
    const [fromA, fromB] = await Promise.all([a.next(), b.next()]);
    await a.return?.();
    await b.return?.();
    expect(fromA.value?.event).toBe('RESET');
    expect(fromB.value?.event).toBe('RESET');
    expect(fromA.value?.data).toMatchObject({ guest: false, reason: 'host-qmp-system-reset' });
  });

  it('rejects an already-aborted command without sending it, and an aborted one in flight', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      client.execute('query-status', undefined, { signal: controller.signal }),
    ).rejects.toBeInstanceOf(QmpAbortError);
    const inFlight = new AbortController();
    const pending = client.execute('query-qmp-schema', undefined, { signal: inFlight.signal });
    inFlight.abort();
    await expect(pending).rejects.toMatchObject({ class: 'Cancelled' });
    // The late reply is dropped and the connection stays usable.
    await expect(client.execute('query-status')).resolves.toMatchObject({ running: false });
  });

  it('times out a command yet keeps the connection usable', async () => {
    const error = await client
      .execute('query-qmp-schema', undefined, { timeoutMs: 0 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QmpTimeoutError);
    expect(error).toMatchObject({ class: 'Timeout' });
    const status = await client.execute('query-status');
    expect(status.status).toBeTypeOf('string');
  });

  it('refuses arguments that are not JSON without sending anything', async () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expect(client.execute('eject', cyclic)).rejects.toMatchObject({ class: 'InvalidRequest' });
    await expect(client.execute('query-status')).resolves.toMatchObject({ running: false });
  });

  it('refuses exec-oob when oob was not negotiated', async () => {
    await expect(client.execute('query-yank', undefined, { oob: true })).rejects.toMatchObject({
      class: 'InvalidRequest',
    });
  });

  it('reads the whole QAPI schema (a ~200 KB message)', async () => {
    const schema = (await client.execute('query-qmp-schema')) as unknown[];
    expect(schema.length).toBeGreaterThan(1000);
  });

  it('reports a second client as busy while the first holds the monitor', async () => {
    const error = await QmpClient.connect({ path: qemu.qmpPath }, { greetingTimeoutMs: 300 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(QmpBusyError);
    expect(error).toMatchObject({ class: 'MonitorBusy' });
    expect((error as QmpBusyError).desc).toMatch(/another client holds the monitor/);
    await expect(client.execute('query-status')).resolves.toBeDefined();
  });

  it('negotiates oob on a second connection and runs exec-oob', async () => {
    await client.close();
    expect(client.closed).toBe(true);
    await expect(client.execute('query-status')).rejects.toBeInstanceOf(QmpConnectionClosed);
    client = await QmpClient.connect({ path: qemu.qmpPath }, { oob: true });
    expect(client.capabilities).toEqual(['oob']);
    const yanks = await client.execute('query-yank', undefined, { oob: true });
    expect(Array.isArray(yanks)).toBe(true);
  });
});

describe('QmpClient when QEMU goes away', () => {
  let qemu: TestQemu | undefined;
  afterEach(async () => {
    await qemu?.dispose();
  });

  it('rejects every pending command at once with QmpConnectionClosed and fires close once', async () => {
    qemu = await startQemu();
    const client = await QmpClient.connect({ path: qemu.qmpPath });
    const closes: (Error | undefined)[] = [];
    client.on('close', (err) => closes.push(err));
    const iterator = client.events();
    const pending = Array.from({ length: 20 }, () =>
      client.execute('query-qmp-schema').catch((e: unknown) => e),
    );
    await qemu.kill();
    const results = await Promise.all(pending);
    // Some may have completed before the kill; every other one failed with ConnectionClosed.
    const failures = results.filter((r) => r instanceof Error);
    expect(failures.length).toBeGreaterThan(0);
    for (const failure of failures) expect(failure).toBeInstanceOf(QmpConnectionClosed);
    await expect(iterator.next()).resolves.toMatchObject({ done: true });
    expect(closes).toHaveLength(1);
    expect(closes[0]).toBeInstanceOf(QmpConnectionClosed);
    expect(client.closed).toBe(true);
  });

  it('ends with quit: SHUTDOWN arrives before the return', async () => {
    qemu = await startQemu();
    const client = await QmpClient.connect({ path: qemu.qmpPath });
    const seen: string[] = [];
    client.on('event', (e) => seen.push(e.event));
    await client.execute('quit').then(
      () => seen.push('return'),
      (e: unknown) => seen.push((e as QmpConnectionClosed).class),
    );
    expect(seen[0]).toBe('SHUTDOWN');
    await client.close();
  });

  it('fails to connect to a missing socket with ConnectFailed and the OS code', async () => {
    const error = await QmpClient.connect({ path: '/nonexistent/qmp.sock' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QmpConnectError);
    expect(error).toMatchObject({ class: 'ConnectFailed', code: 'ENOENT' });
  });
});

describe('QmpClient over TCP', () => {
  let qemu: TestQemu | undefined;
  afterEach(async () => {
    await qemu?.dispose();
  });

  it('connects to -qmp tcp:127.0.0.1:PORT and runs commands', async () => {
    const port = await freeLoopbackPort();
    qemu = await startQemu({ tcpPort: port });
    const client = await QmpClient.connect({ host: '127.0.0.1', port });
    await expect(client.execute('query-status')).resolves.toMatchObject({ status: 'prelaunch' });
    const powerdown = client.events({ names: ['POWERDOWN'] });
    await client.execute('system_powerdown');
    await expect(powerdown.next()).resolves.toMatchObject({ value: { event: 'POWERDOWN' } });
    await client.close();
  });

  it('fails with ConnectFailed/ECONNREFUSED when nothing listens', async () => {
    const port = await freeLoopbackPort();
    await expect(QmpClient.connect({ host: '127.0.0.1', port })).rejects.toMatchObject({
      class: 'ConnectFailed',
      code: 'ECONNREFUSED',
    });
  });
});

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
