/**
 * `on('error')` as Node users expect it, and a clear error for an event name a client does not emit, on each of
 * the three clients (a scripted peer stands in for QEMU: a broken pipe and garbage are the faults needed).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { QmpClient } from './client.ts';
import { type QmpClientError, QmpConnectionClosed, QmpProtocolError, QmpUsageError } from './errors.ts';
import { GuestAgentClient } from './guest-agent.ts';
import { ReconnectingQmpClient } from './reconnecting.ts';
import { type FakePeer, negotiate, startFakePeer } from './testing/fake-peer.ts';
import { waitFor } from './testing/wait-for.ts';

describe("the clients' listeners", () => {
  let peer: FakePeer | undefined;
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await peer?.close();
    peer = undefined;
  });

  it('QmpClient reports garbage through error and protocol-error', async () => {
    peer = await startFakePeer(async (conn) => {
      await negotiate(conn);
      await conn.nextCommand();
      conn.sendRaw('this is not json\r\n');
    });
    const client = await QmpClient.connect({ path: peer.path });
    cleanups.push(() => client.close());
    const errors: QmpClientError[] = [];
    client.on('error', (error) => errors.push(error));
    await expect(client.execute('x')).rejects.toBeInstanceOf(QmpConnectionClosed);
    expect(errors[0]).toBeInstanceOf(QmpProtocolError);
  });

  it('QmpClient reports a broken pipe through error, and throws nothing without an error listener', async () => {
    peer = await startFakePeer(async (conn) => {
      await negotiate(conn);
      conn.socket.destroy();
    });
    const listened = await QmpClient.connect({ path: peer.path });
    const errors: QmpClientError[] = [];
    listened.on('error', (error) => errors.push(error));
    await waitFor(() => peer?.connections[0]?.socket.destroyed, 'the peer gone');
    // Writing into a socket whose peer has gone: EPIPE, or the close is seen first; either way nothing throws.
    await expect(listened.execute('query-status')).rejects.toBeInstanceOf(QmpConnectionClosed);
    await listened.close();
    expect(errors.every((error) => error instanceof QmpConnectionClosed)).toBe(true);

    const unlistened = await QmpClient.connect({ path: peer.path });
    await expect(unlistened.execute('query-status')).rejects.toBeInstanceOf(QmpConnectionClosed);
    await unlistened.close();
  });

  it('QmpClient refuses an unknown event name with QmpUsageError naming the ones it has', async () => {
    peer = await startFakePeer(negotiate);
    const client = await QmpClient.connect({ path: peer.path });
    cleanups.push(() => client.close());
    const on = client.on.bind(client) as (type: string, fn: () => void) => unknown;
    expect(() => on('eror', () => {})).toThrow(QmpUsageError);
    expect(() => on('eror', () => {})).toThrow(
      /unknown event; QmpClient emits event, close, protocol-error, error/,
    );
  });

  it('ReconnectingQmpClient reports each failed attempt through error, and refuses unknown names', async () => {
    const supervisor = new ReconnectingQmpClient(
      { path: '/nonexistent/qmp.sock' },
      { minDelayMs: 10, maxDelayMs: 20 },
    );
    cleanups.push(() => supervisor.stop());
    const errors: QmpClientError[] = [];
    supervisor.on('error', (error) => errors.push(error));
    const on = supervisor.on.bind(supervisor) as (type: string, fn: () => void) => unknown;
    expect(() => on('connected', () => {})).toThrow(QmpUsageError);
    supervisor.start();
    await waitFor(() => errors.length >= 2, 'two failed attempts');
    expect(errors[0]).toMatchObject({ class: 'ConnectFailed', code: 'ENOENT' });
  });

  it('GuestAgentClient has close and error, and refuses other names', async () => {
    peer = await startFakePeer(() => {});
    const agent = await GuestAgentClient.connect({ path: peer.path }, { syncTimeoutMs: 50 });
    cleanups.push(() => agent.close());
    const closes: unknown[] = [];
    agent.on('close', (error) => closes.push(error)).on('error', () => {});
    const on = agent.on.bind(agent) as (type: string, fn: () => void) => unknown;
    expect(() => on('event', () => {})).toThrow(/GuestAgentClient emits close, error/);
    await agent.close();
    expect(closes).toEqual([undefined]);
  });
});
