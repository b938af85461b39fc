/**
 * History and live stream joined without gap or duplicate: across a bridge
 * restart, during a replay long enough to pause for the socket to drain, and
 * after a slow consumer is dropped and comes back with `after`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventMessage, EventPage } from '@qmpdeck/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
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

  async function bridge(options: Partial<StartOptions> = {}): Promise<RunningBridge> {
    const started = await startTestBridge(
      dir,
      { vms: [{ id: 'alpha', qmp: { socket: qemu.socket as string } }] },
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

  function seqs(c: TestWsClient): number[] {
    return c.messages.filter((m): m is EventMessage => m.type === 'event').map((m) => m.seq);
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

  it('loses and repeats nothing across a bridge restart in the middle of an event stream', async () => {
    let current: RunningBridge | null = await bridge();
    const toggles = toggler(() => current);
    const before = await client(current);
    before.send({ type: 'subscribe', vm: 'alpha', after: 0 });
    await waitFor(() => seqs(before).length >= 6, 'some live events');

    const first = current;
    current = null;
    await first.stop();
    const seen = seqs(before);
    current = await bridge();
    const after = await client(current);
    after.send({ type: 'subscribe', vm: 'alpha', after: seen.at(-1) });
    await after.next((m) => m.type === 'subscribed');
    await waitFor(() => seqs(after).length >= 6, 'live events after the restart');
    await toggles.stop();
    const lastSeq = current.store.lastSeq('alpha');
    await waitFor(() => seqs(after).at(-1) === lastSeq, 'the last event');

    const all = [...seen, ...seqs(after)];
    expect(all).toEqual(range(1, lastSeq));
    const names = ((await getJson(current, '/api/vms/alpha/events?limit=1000')).body as EventPage).events.map(
      (e) => e.event,
    );
    expect(names).toContain('BRIDGE_DISCONNECTED');
    expect(names.filter((n) => n === 'BRIDGE_CONNECTED')).toHaveLength(
      names.includes('BRIDGE_CONNECTED') ? 2 : 0,
    );
  });

  it('joins live events after a replay that had to wait for the socket to drain', async () => {
    const b = await bridge();
    // History big enough that replay pauses for the client to read (over the 1 MiB low-water mark).
    const filler = { blob: 'x'.repeat(4096) };
    for (let i = 0; i < 800; i++) {
      b.store.append('alpha', {
        event: 'BRIDGE_FILLER',
        data: filler,
        timestamp: { seconds: 0, microseconds: 0 },
        source: 'bridge',
      });
    }
    const toggles = toggler(() => b);
    const c = await client(b);
    c.send({ type: 'subscribe', vm: 'alpha', after: 0 });
    await c.next((m) => m.type === 'subscribed');
    await waitFor(() => seqs(c).length > 820, 'live events after the replay');
    await toggles.stop();
    const lastSeq = b.store.lastSeq('alpha');
    await waitFor(() => seqs(c).at(-1) === lastSeq, 'the last event');
    expect(seqs(c)).toEqual(range(1, lastSeq));
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
  });
});
