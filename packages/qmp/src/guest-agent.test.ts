import { afterEach, describe, expect, it } from 'vitest';
import { GuestAgentUnavailableError, QmpAbortError, QmpConnectionClosed, QmpError } from './errors.ts';
import { GuestAgentClient } from './guest-agent.ts';
import { type FakeConnection, type FakePeer, startFakePeer } from './testing/fake-peer.ts';

type Agent = (conn: FakeConnection, command: Record<string, unknown>) => void;

/** A scripted agent: answers guest-sync-delimited with 0xFF + its id, and other commands through `answer`. */
function fakeAgent(answer: Agent, options: { staleBeforeSync?: boolean; silent?: () => boolean } = {}) {
  return async (conn: FakeConnection) => {
    if (options.staleBeforeSync) {
      // Left over from an earlier client: replies to other ids, a stale sync, and half a message.
      conn.sendRaw('{"return": {}, "id": 1}\n{"return": 12345}\n{"return": {"half": ');
    }
    for (;;) {
      const command = await conn.nextCommand().catch(() => undefined);
      if (!command || conn.socket.destroyed) return;
      if (options.silent?.()) continue;
      if (command.execute === 'guest-sync-delimited') {
        const id = (command.arguments as { id: number }).id;
        // What the real agent answers to the raw 0xFF the client sends first: an error without id.
        conn.send({ error: { class: 'GenericError', desc: "JSON parse error, stray '\uFFFD'" } });
        conn.sendRaw(
          Buffer.concat([Buffer.from([0xff]), Buffer.from(`${JSON.stringify({ return: id })}\n`)]),
        );
      } else {
        answer(conn, command);
      }
    }
  };
}

const answerPingAndHostname: Agent = (conn, command) => {
  if (command.execute === 'guest-ping') conn.send({ return: {}, id: command.id });
  else if (command.execute === 'guest-get-host-name')
    conn.send({ return: { 'host-name': 'demo' }, id: command.id });
  else {
    conn.send({
      error: { class: 'CommandNotFound', desc: `The command ${command.execute} has not been found` },
      id: command.id,
    });
  }
};

describe('GuestAgentClient against a fake agent', () => {
  let peer: FakePeer | undefined;
  let agent: GuestAgentClient | undefined;
  afterEach(async () => {
    await agent?.close();
    await peer?.close();
    agent = undefined;
  });

  it('syncs past stale replies and half messages, then runs commands', async () => {
    peer = await startFakePeer(fakeAgent(answerPingAndHostname, { staleBeforeSync: true }));
    agent = await GuestAgentClient.connect({ path: peer.path });
    expect(agent.available).toBe(true);
    await expect(agent.execute('guest-get-host-name')).resolves.toEqual({ 'host-name': 'demo' });
    // The sync was preceded by a raw 0xFF so the agent drops any partial input.
    expect(peer.connections[0]?.received[0]).toMatchObject({ execute: 'guest-sync-delimited' });
  });

  it("turns the agent's errors into QmpError", async () => {
    peer = await startFakePeer(fakeAgent(answerPingAndHostname));
    agent = await GuestAgentClient.connect({ path: peer.path });
    const error = await agent.execute('guest-nope').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QmpError);
    expect(error).toMatchObject({ class: 'CommandNotFound', command: 'guest-nope' });
  });

  it('serialises concurrent calls', async () => {
    peer = await startFakePeer(fakeAgent(answerPingAndHostname));
    agent = await GuestAgentClient.connect({ path: peer.path });
    const results = await Promise.all([
      agent.execute('guest-ping'),
      agent.execute('guest-get-host-name'),
      agent.execute('guest-ping'),
    ]);
    expect(results).toEqual([{}, { 'host-name': 'demo' }, {}]);
  });

  it('reports an unanswered command as GuestAgentUnavailable, then resyncs and drops the late reply', async () => {
    let lateReply: (() => void) | undefined;
    peer = await startFakePeer(
      fakeAgent((conn, command) => {
        if (command.execute === 'guest-slow') {
          lateReply = () => conn.send({ return: 'late', id: command.id });
        } else {
          answerPingAndHostname(conn, command);
        }
      }),
    );
    agent = await GuestAgentClient.connect({ path: peer.path });
    const error = await agent.execute('guest-slow', undefined, { timeoutMs: 100 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GuestAgentUnavailableError);
    expect(error).toMatchObject({ class: 'GuestAgentUnavailable' });
    expect(agent.available).toBe(false);
    lateReply?.();
    await expect(agent.execute('guest-get-host-name')).resolves.toEqual({ 'host-name': 'demo' });
    expect(agent.available).toBe(true);
    const syncs = peer.connections[0]?.received.filter((c) => c.execute === 'guest-sync-delimited') ?? [];
    expect(syncs).toHaveLength(2);
  });

  it('connects to a silent agent, reports it unavailable quickly, and recovers when it starts', async () => {
    let silent = true;
    peer = await startFakePeer(fakeAgent(answerPingAndHostname, { silent: () => silent }));
    agent = await GuestAgentClient.connect({ path: peer.path }, { syncTimeoutMs: 100 });
    expect(agent.available).toBe(false);
    await expect(agent.execute('guest-ping', undefined, { timeoutMs: 150 })).rejects.toBeInstanceOf(
      GuestAgentUnavailableError,
    );
    silent = false;
    await expect(agent.execute('guest-ping')).resolves.toEqual({});
  });

  it('cancels with an AbortSignal', async () => {
    peer = await startFakePeer(fakeAgent(() => {}));
    agent = await GuestAgentClient.connect({ path: peer.path });
    const controller = new AbortController();
    const pending = agent.execute('guest-never', undefined, { signal: controller.signal, timeoutMs: 10_000 });
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(QmpAbortError);
  });

  it('fails a waiting command when the agent socket closes', async () => {
    peer = await startFakePeer(
      fakeAgent((conn) => {
        conn.socket.destroy();
      }),
    );
    agent = await GuestAgentClient.connect({ path: peer.path });
    const closes: (Error | undefined)[] = [];
    agent.on('close', (e) => closes.push(e));
    await expect(agent.execute('guest-ping')).rejects.toBeInstanceOf(QmpConnectionClosed);
    await expect(agent.execute('guest-ping')).rejects.toBeInstanceOf(QmpConnectionClosed);
    expect(closes).toHaveLength(1);
    expect(agent.closed).toBe(true);
  });
});
