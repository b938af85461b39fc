/**
 * History and live stream joined without gap or duplicate, in order, with and without `batch`: across a bridge
 * restart, during a replay long enough to pause for the socket to drain, and after a slow consumer is dropped and
 * comes back with `after`. With `batch`, replay pages and bursts come as `events` messages, and a replay bigger
 * than the slow-consumer limit is still only paced, never dropped.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventMessage, EventPage, EventsMessage } from '@qmpdeck/protocol';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningBridge, StartOptions } from '../server.ts';
import { getJson, postJson, startTestBridge } from '../testing/bridge.ts';
import { startQemu, type TestQemu } from '../testing/qemu.ts';
import { waitFor } from '../testing/wait-for.ts';
import { TestWsClient } from '../testing/ws-client.ts';

describe('resuming the event stream', () => {
  let dir: string;
  let qemu: TestQemu;
  const bridges: RunningBridge[] = [];
  const clients: TestWsClient[] = [];
  let testNumber = 0;
  beforeEach(() => {
    testNumber++;
  });

  async function bridge(options: Partial<StartOptions> = {}): Promise<RunningBridge> {
    // A database per test (a restart reopens the same one), so each test's seqs start at 1.
    const started = await startTestBridge(
      dir,
      {
        vms: [{ id: 'alpha', qmp: { socket: qemu.socket as string } }],
        database: join(dir, `events-${testNumber}.db`),
      },
      options,
    );
    bridges.push(started);
    await waitFor(() => started.registry.get('alpha')?.status, 'alpha connected');
    return started;
  }

  async function client(b: RunningBridge): Promise<TestWsClient> {
    const c = await TestWsClient.connect(b.url);
    clients.push(c);
    return c;
  }

  /** Toggles the VM through the bridge until stopped, ignoring failures while no bridge is up. */
  function toggler(target: () => RunningBridge | null): { stop: () => Promise<void> } {
    let running = true;
    const loop = (async () => {
      let paused = true;
      while (running) {
        const current = target();
        if (current) {
          const res = await postJson(current, '/api/vms/alpha/execute', {
            execute: paused ? 'cont' : 'stop',
          }).catch(() => null);
          if (res?.status === 200) paused = !paused;
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    return {
      stop: async () => {
        running = false;
        await loop;
      },
    };
  }

  /** Every event seq a client got, in arrival order, from `event` and `events` messages alike. */
  function seqs(c: TestWsClient): number[] {
    return c.messages.flatMap((m) =>
      m.type === 'event'
        ? [(m as EventMessage).seq]
        : m.type === 'events'
          ? (m as EventsMessage).events.map((e) => e.seq)
          : [],
    );
  }

  function filler(b: RunningBridge, count: number, bytes: number): void {
    const data = { blob: 'x'.repeat(bytes) };
    for (let i = 0; i < count; i++) {
      b.store.append('alpha', {
        event: 'BRIDGE_FILLER',
        data,
        timestamp: { seconds: 0, microseconds: 0 },
        source: 'bridge',
      });
    }
  }

  function range(from: number, to: number): number[] {
    return Array.from({ length: to - from + 1 }, (_, i) => from + i);
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bridge-resume-'));
    qemu = await startQemu(dir, 'alpha');
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    for (const b of bridges.splice(0)) await b.stop();
  });

  afterAll(async () => {
    await qemu?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  describe.each([{ batch: false }, { batch: true }])('subscribed with batch: $batch', ({ batch }) => {
    it('loses and repeats nothing across a bridge restart in the middle of an event stream', async () => {
      let current: RunningBridge | null = await bridge();
      const toggles = toggler(() => current);
      const before = await client(current);
      before.send({ type: 'subscribe', vm: 'alpha', after: 0, batch });
      await waitFor(() => seqs(before).length >= 6, 'some live events');

      const first = current;
      current = null;
      await first.stop();
      const seen = seqs(before);
      current = await bridge();
      const after = await client(current);
      after.send({ type: 'subscribe', vm: 'alpha', after: seen.at(-1), batch });
      await after.next((m) => m.type === 'subscribed');
      await waitFor(() => seqs(after).length >= 6, 'live events after the restart');
      await toggles.stop();
      const lastSeq = current.store.lastSeq('alpha');
      await waitFor(() => seqs(after).at(-1) === lastSeq, 'the last event');

      const all = [...seen, ...seqs(after)];
      expect(all).toEqual(range(1, lastSeq));
      const names = (
        (await getJson(current, '/api/vms/alpha/events?limit=1000')).body as EventPage
      ).events.map((e) => e.event);
      expect(names).toContain('BRIDGE_DISCONNECTED');
      expect(names.filter((n) => n === 'BRIDGE_CONNECTED')).toHaveLength(
        names.includes('BRIDGE_CONNECTED') ? 2 : 0,
      );
    });

    it('joins live events after a replay that had to wait for the socket to drain', async () => {
      const b = await bridge();
      // History big enough that replay pauses for the client to read (over the 1 MiB low-water mark).
      filler(b, 800, 4096);
      const toggles = toggler(() => b);
      const c = await client(b);
      c.send({ type: 'subscribe', vm: 'alpha', after: 0, batch });
      await c.next((m) => m.type === 'subscribed');
      await waitFor(() => seqs(c).length > 820, 'live events after the replay');
      await toggles.stop();
      const lastSeq = b.store.lastSeq('alpha');
      await waitFor(() => seqs(c).at(-1) === lastSeq, 'the last event');
      expect(seqs(c)).toEqual(range(1, lastSeq));
      // Only the kind of message this subscription asked for; a batch is one VM's, at most a replay page.
      const kinds = new Set(
        c.messages.filter((m) => m.type === 'event' || m.type === 'events').map((m) => m.type),
      );
      expect([...kinds]).toEqual([batch ? 'events' : 'event']);
      for (const m of c.messages) {
        if (m.type === 'events') {
          expect(m.vm).toBe('alpha');
          expect(m.events.length).toBeLessThanOrEqual(500);
        }
      }
    });
  });

  it('paces a batched replay bigger than the slow-consumer limit, never dropping the client for it', async () => {
    const b = await bridge({ maxBufferedBytes: 64 * 1024 });
    filler(b, 800, 4096); // pages of 2 MB against a 64 KiB limit
    const toggles = toggler(() => b);
    const c = await client(b);
    c.send({ type: 'subscribe', vm: 'alpha', after: 0, batch: true });
    await c.next((m) => m.type === 'subscribed');
    await waitFor(() => seqs(c).length > 810, 'live events after the replay');
    await toggles.stop();
    const lastSeq = b.store.lastSeq('alpha');
    await waitFor(() => seqs(c).at(-1) === lastSeq, 'the last event');
    expect(seqs(c)).toEqual(range(1, lastSeq));
    expect(c.closed).toBe(false);
    expect(c.messages.filter((m) => m.type === 'error')).toEqual([]);
  });

  it('sends the events of one VM recorded in one tick as one events message, before what follows them', async () => {
    const b = await bridge();
    const batched = await client(b);
    const single = await client(b);
    batched.send({ type: 'subscribe', vm: 'alpha', batch: true });
    single.send({ type: 'subscribe', vm: 'alpha' });
    await batched.next((m) => m.type === 'subscribed');
    await single.next((m) => m.type === 'subscribed');
    const vm = b.registry.require('alpha');
    for (let i = 0; i < 3; i++) vm.recorder.recordBridgeEvent({ event: 'BRIDGE_FILLER', data: { i } });
    const burst = await batched.next<EventsMessage>((m) => m.type === 'events');
    expect(burst.events.map((e) => e.data)).toEqual([{ i: 0 }, { i: 1 }, { i: 2 }]);
    await waitFor(
      () => single.messages.filter((m) => m.type === 'event').length === 3,
      'three event messages',
    );

    // A command's events still come before its result (paused first: `cont` of a running VM sends no event).
    await postJson(b, '/api/vms/alpha/execute', { execute: 'cont' });
    await postJson(b, '/api/vms/alpha/execute', { execute: 'stop' });
    await batched.request({ type: 'execute', id: 'go', vm: 'alpha', execute: 'cont' });
    const order = batched.messages.map((m) =>
      m.type === 'events' ? m.events.map((e) => e.event).join(',') : m.type === 'result' ? 'result' : null,
    );
    expect(order.filter((entry) => entry !== null).slice(-2)).toEqual(['RESUME', 'result']);
  });

  it('drops a client that stops answering pings and keeps the ones that answer', async () => {
    const b = await bridge({ heartbeatMs: 100 });
    const healthy = await client(b);
    const vanished = await client(b);
    // A peer that is gone without closing (laptop asleep) reads nothing, so it never answers a ping.
    (vanished.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    await waitFor(() => b.hub.clientCount === 1, 'the silent client dropped');
    healthy.send({ type: 'ping', id: 'still' });
    await healthy.next((m) => m.type === 'pong');
    expect(healthy.closed).toBe(false);
  });

  it('keeps a client whose pong waited behind a busy bridge', async () => {
    const b = await bridge({ heartbeatMs: 100 });
    const healthy = await client(b);
    let pings = 0;
    let stalled = false;
    healthy.ws.on('ping', () => {
      pings++;
      if (stalled) return;
      stalled = true;
      // The pong is written; the loop (the bridge's too, in this process) is then busy past the next tick, which
      // so runs before the pong is read.
      const until = Date.now() + 350;
      while (Date.now() < until);
    });
    await waitFor(() => pings >= 4, 'three pings after the stall');
    expect(healthy.closed).toBe(false);
    expect(b.hub.clientCount).toBe(1);
  });

  it('drops a client that stops reading, keeps serving the others, and lets it resume with after', async () => {
    const b = await bridge({ maxBufferedBytes: 64 * 1024 });
    const filler = { blob: 'y'.repeat(8192) };
    for (let i = 0; i < 400; i++) {
      b.store.append('alpha', {
        event: 'BRIDGE_FILLER',
        data: filler,
        timestamp: { seconds: 0, microseconds: 0 },
        source: 'bridge',
      });
    }
    const healthy = await client(b);
    healthy.send({ type: 'subscribe', vm: 'alpha' });
    await healthy.next((m) => m.type === 'subscribed');

    const stuck = await client(b);
    (stuck.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    stuck.send({ type: 'subscribe', vm: 'alpha', after: 0 });
    // The replay fills the stuck client's buffer; a live event then finds it too far behind.
    await waitFor(
      async () => {
        await postJson(b, '/api/vms/alpha/execute', { execute: 'cont' });
        await postJson(b, '/api/vms/alpha/execute', { execute: 'stop' });
        return b.hub.clientCount === 1;
      },
      'the stuck client dropped',
      30_000,
    );
    await healthy.next((m) => m.type === 'event' && m.event === 'STOP');

    (stuck.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    await waitFor(() => stuck.closed, 'the stuck client closed');
    expect(stuck.messages.at(-1)).toMatchObject({ type: 'error', error: { class: 'SlowConsumer' } });

    const back = await client(b);
    const resumeFrom = seqs(stuck).at(-1) ?? 0;
    back.send({ type: 'subscribe', vm: 'alpha', after: resumeFrom });
    const { lastSeq } = (await back.next((m) => m.type === 'subscribed')) as { lastSeq: number };
    expect([...seqs(stuck), ...seqs(back)]).toEqual(range(1, lastSeq));
  }, 60_000); // its wait for the drop allows 30 s on a busy host, more than the default test timeout
});
