import { afterEach, describe, expect, it } from 'vitest';
import { QmpClient } from './client.ts';
import { QmpBusyError, QmpConnectionClosed, QmpError, QmpProtocolError, QmpTimeoutError } from './errors.ts';
import {
  type FakeConnection,
  type FakePeer,
  GREETING,
  negotiate,
  startFakePeer,
} from './testing/fake-peer.ts';
import { waitFor } from './testing/qemu.ts';

async function writeByteByByte(conn: FakeConnection, text: string): Promise<void> {
  for (const byte of Buffer.from(text)) {
    conn.sendRaw(Buffer.from([byte]));
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('QmpClient against a fault-injection peer', () => {
  let peer: FakePeer | undefined;
  let client: QmpClient | undefined;
  afterEach(async () => {
    await client?.close();
    await peer?.close();
    client = undefined;
  });

  it('works when every message arrives byte by byte', async () => {
    peer = await startFakePeer(async (conn) => {
      await writeByteByByte(conn, `${JSON.stringify(GREETING)}\r\n`);
      const caps = await conn.nextCommand();
      await writeByteByByte(conn, `${JSON.stringify({ return: {}, id: caps.id })}\r\n`);
      const cmd = await conn.nextCommand();
      await writeByteByByte(
        conn,
        `{"event":"X","data":{"s":"}{\\"é"},"timestamp":{"seconds":1,"microseconds":2}}\r\n${JSON.stringify({ return: { ok: 'ü' }, id: cmd.id })}\r\n`,
      );
    });
    client = await QmpClient.connect({ path: peer.path });
    const events: unknown[] = [];
    client.on('event', (e) => events.push(e));
    await expect(client.execute('anything')).resolves.toEqual({ ok: 'ü' });
    expect(events).toEqual([{ event: 'X', data: { s: '}{"é' }, timestamp: { seconds: 1, microseconds: 2 } }]);
  });

  it('receives a huge (16 MB) reply', async () => {
    const big = 'x'.repeat(16 * 1024 * 1024);
    peer = await startFakePeer(async (conn) => {
      await negotiate(conn);
      const cmd = await conn.nextCommand();
      conn.send({ return: big, id: cmd.id });
    });
    client = await QmpClient.connect({ path: peer.path });
    const result = await client.execute('big');
    expect(result).toHaveLength(big.length);
  });

  it('drops the connection on a message over maxMessageBytes and says why', async () => {
    peer = await startFakePeer(async (conn) => {
      await negotiate(conn);
      const cmd = await conn.nextCommand();
      conn.send({ return: 'y'.repeat(10_000), id: cmd.id });
    });
    client = await QmpClient.connect({ path: peer.path }, { maxMessageBytes: 4096 });
    const protocolErrors: QmpProtocolError[] = [];
    client.on('protocol-error', (e) => protocolErrors.push(e));
    const error = await client.execute('big').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QmpConnectionClosed);
    expect((error as Error).cause).toMatchObject({ cause: { class: 'ProtocolError' } });
    expect(protocolErrors[0]?.desc).toMatch(/limit of 4096 bytes/);
  });

  it('surfaces garbage as a protocol error and fails pending commands', async () => {
    peer = await startFakePeer(async (conn) => {
      await negotiate(conn);
      await conn.nextCommand();
      conn.sendRaw('this is not json\r\n');
    });
    client = await QmpClient.connect({ path: peer.path });
    const closes: (Error | undefined)[] = [];
    client.on('close', (e) => closes.push(e));
    const protocolErrors: QmpProtocolError[] = [];
    client.on('protocol-error', (e) => protocolErrors.push(e));
    await expect(client.execute('x')).rejects.toBeInstanceOf(QmpConnectionClosed);
    expect(protocolErrors).toHaveLength(1);
    expect(protocolErrors[0]).toBeInstanceOf(QmpProtocolError);
    await waitFor(() => closes.length > 0, 'the close');
    expect(closes).toHaveLength(1);
    expect(client.closed).toBe(true);
  });

  it('refuses a peer whose first message is not a QMP greeting', async () => {
    peer = await startFakePeer((conn) => conn.send({ hello: 'I am not QEMU' }));
    const error = await QmpClient.connect({ path: peer.path }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QmpProtocolError);
    expect((error as QmpProtocolError).desc).toMatch(/not a QMP server/);
  });

  it('refuses a peer that sends garbage instead of a greeting', async () => {
    peer = await startFakePeer((conn) => conn.sendRaw('SSH-2.0-OpenSSH_9.2\r\n'));
    const error = await QmpClient.connect({ path: peer.path }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QmpProtocolError);
    // A wrong port is the usual cause: the message says what the peer is not, not which byte was odd.
    expect((error as QmpProtocolError).desc).toMatch(/^The peer is not a QMP server: /);
  });

  it('reports a missing greeting as a busy monitor', async () => {
    peer = await startFakePeer(() => {});
    const error = await QmpClient.connect({ path: peer.path }, { greetingTimeoutMs: 100 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(QmpBusyError);
    expect(error).toMatchObject({ class: 'MonitorBusy' });
  });

  it('rejects connect with ConnectionClosed when the peer hangs up before greeting', async () => {
    peer = await startFakePeer((conn) => {
      conn.socket.end();
    });
    await expect(QmpClient.connect({ path: peer.path })).rejects.toBeInstanceOf(QmpConnectionClosed);
  });

  it('times out against a silent peer, drops the late reply, and stays usable', async () => {
    let conn: FakeConnection | undefined;
    peer = await startFakePeer(async (c) => {
      conn = c;
      await negotiate(c);
    });
    client = await QmpClient.connect({ path: peer.path });
    const slow = await client.execute('slow', undefined, { timeoutMs: 50 }).catch((e: unknown) => e);
    expect(slow).toBeInstanceOf(QmpTimeoutError);
    const slowCommand = await conn?.nextCommand();
    const next = client.execute('next');
    const nextCommand = await conn?.nextCommand();
    conn?.send({ return: 'late reply to slow', id: slowCommand?.id });
    conn?.send({ return: 'reply to next', id: nextCommand?.id });
    await expect(next).resolves.toBe('reply to next');
  });

  it('times out a short command queued behind a long one, leaving the long one pending', async () => {
    peer = await startFakePeer(negotiate);
    client = await QmpClient.connect({ path: peer.path });
    let longSettled = false;
    const long = client.execute('long', undefined, { timeoutMs: 60_000 }).finally(() => {
      longSettled = true;
    });
    await expect(client.execute('short', undefined, { timeoutMs: 30 })).rejects.toBeInstanceOf(
      QmpTimeoutError,
    );
    expect(longSettled).toBe(false);
    await client.close();
    await expect(long).rejects.toBeInstanceOf(QmpConnectionClosed);
  });

  it('never matches an id-less error to a pending command', async () => {
    let conn: FakeConnection | undefined;
    peer = await startFakePeer(async (c) => {
      conn = c;
      await negotiate(c);
    });
    client = await QmpClient.connect({ path: peer.path });
    const protocolErrors: QmpProtocolError[] = [];
    client.on('protocol-error', (e) => protocolErrors.push(e));
    const pending = client.execute('query-status');
    const command = await conn?.nextCommand();
    conn?.send({ error: { class: 'GenericError', desc: 'JSON parse error, invalid keyword' } });
    conn?.send({ return: 'foreign', id: 'not-ours' });
    conn?.send({ return: { status: 'running' }, id: command?.id });
    await expect(pending).resolves.toEqual({ status: 'running' });
    expect(protocolErrors).toHaveLength(1);
    expect(protocolErrors[0]?.desc).toMatch(/without id: GenericError/);
  });

  it('fails every pending command when the peer closes mid-message', async () => {
    peer = await startFakePeer(async (conn) => {
      await negotiate(conn);
      await conn.nextCommand();
      await conn.nextCommand();
      conn.sendRaw('{"return": {"partial": ');
      conn.socket.end();
    });
    client = await QmpClient.connect({ path: peer.path });
    const closes: (Error | undefined)[] = [];
    client.on('close', (e) => closes.push(e));
    const results = await Promise.all(
      [client.execute('a'), client.execute('b')].map((p) => p.catch((e) => e)),
    );
    for (const result of results) expect(result).toBeInstanceOf(QmpConnectionClosed);
    expect(closes).toHaveLength(1);
  });

  it("runs each reply's continuation before later events in the same chunk", async () => {
    peer = await startFakePeer(async (conn) => {
      await negotiate(conn);
      const a = await conn.nextCommand();
      const b = await conn.nextCommand();
      const ts = { seconds: 1, microseconds: 0 };
      conn.sendRaw(
        [
          { event: 'A', timestamp: ts },
          { return: 'a', id: a.id },
          { event: 'B', timestamp: ts },
          { return: 'b', id: b.id },
          { event: 'C', timestamp: ts },
        ]
          .map((m) => JSON.stringify(m))
          .join('\r\n'),
      );
    });
    client = await QmpClient.connect({ path: peer.path });
    const seen: string[] = [];
    client.on('event', (e) => seen.push(e.event));
    const run = async (name: string) => {
      const value = await client?.execute(name);
      // A continuation a few awaits deep still runs before the next event is dispatched.
      await Promise.resolve();
      await Promise.resolve();
      seen.push(`return ${value}`);
    };
    await Promise.all([run('a'), run('b')]);
    await waitFor(() => seen.length === 5, 'five messages');
    expect(seen).toEqual(['A', 'return a', 'B', 'return b', 'C']);
  });

  it('asks for oob only when offered, and reports a local close with no error', async () => {
    peer = await startFakePeer(async (conn) => {
      conn.send({ QMP: { ...GREETING.QMP, capabilities: [] } });
      const caps = await conn.nextCommand();
      conn.send({ return: {}, id: caps.id });
    });
    client = await QmpClient.connect({ path: peer.path }, { oob: true });
    expect(client.capabilities).toEqual([]);
    expect(peer.connections[0]?.received[0]).toEqual({ execute: 'qmp_capabilities', id: expect.anything() });
    const closes: (Error | undefined)[] = [];
    client.on('close', (e) => closes.push(e));
    await client.close();
    expect(closes).toEqual([undefined]);
  });

  it('rejects a command that QEMU reports as dropped (COMMAND_DROPPED)', async () => {
    peer = await startFakePeer(async (conn) => {
      await negotiate(conn);
      const cmd = await conn.nextCommand();
      conn.send({
        event: 'COMMAND_DROPPED',
        data: { id: cmd.id, reason: 'queue-full' },
        timestamp: { seconds: 1, microseconds: 0 },
      });
    });
    client = await QmpClient.connect({ path: peer.path }, { oob: true });
    expect(client.capabilities).toEqual(['oob']);
    const error = await client.execute('query-status').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QmpError);
    expect(error).toMatchObject({ class: 'CommandDropped' });
  });
});
