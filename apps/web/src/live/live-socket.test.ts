import type { ServerMessage } from '@qmpdeck/protocol';
import { QueryClient } from '@tanstack/react-query';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { queryKeys } from '../api/queryKeys.ts';
import { createCacheWriter } from './cache-writer.ts';
import { type EventPages, flattenEvents } from './event-pages.ts';
import { FakeSocket } from './fake-socket.test-helper.ts';
import { LiveSocket } from './live-socket.ts';
import type { LiveState } from './live-state.ts';

const vm = { id: 'alpha', name: 'Alpha', connection: 'connected', status: 'paused', qemu: null } as const;
const event = (seq: number, name = 'STOP') => ({
  type: 'event',
  vm: 'alpha',
  seq,
  event: name,
  timestamp: { seconds: 1, microseconds: 0 },
});

function setup() {
  const queryClient = new QueryClient();
  const writer = createCacheWriter(queryClient);
  const received: ServerMessage[] = [];
  const invalid: string[] = [];
  const socket = new LiveSocket({
    url: 'ws://test/api/ws',
    createSocket: (url) => new FakeSocket(url),
    onMessage: (message) => {
      received.push(message);
      writer.onMessage(message);
    },
    onState: writer.onState,
    onInvalid: (problem) => invalid.push(problem),
    minDelayMs: 10,
    maxDelayMs: 20,
  });
  return { queryClient, writer, socket, received, invalid };
}

beforeEach(() => {
  FakeSocket.all = [];
  vi.useFakeTimers();
});
afterEach(() => vi.useRealTimers());

describe('LiveSocket', () => {
  it('writes a pushed VM into the list and the detail', () => {
    const { queryClient, socket } = setup();
    queryClient.setQueryData(queryKeys.vms(), [{ ...vm, status: 'prelaunch' }]);
    socket.start();
    FakeSocket.latest().open();
    FakeSocket.latest().receive({ type: 'vm', vm: { ...vm, status: 'running' } });
    expect(queryClient.getQueryData<{ status: string }[]>(queryKeys.vms())?.[0]?.status).toBe('running');
    expect(queryClient.getQueryData<{ status: string }>(queryKeys.vm('alpha'))?.status).toBe('running');
    socket.stop();
  });

  it('shows every cached VM as disconnected while the bridge is away, and refetches them on its hello', () => {
    const { queryClient, socket } = setup();
    queryClient.setQueryData(queryKeys.vms(), [vm]);
    queryClient.setQueryData(queryKeys.vm('alpha'), vm);
    socket.start();
    FakeSocket.latest().open();
    expect(queryClient.getQueryData<{ connection: string }[]>(queryKeys.vms())?.[0]?.connection).toBe(
      'connected',
    );
    FakeSocket.latest().drop();
    expect(queryClient.getQueryData<{ connection: string }[]>(queryKeys.vms())?.[0]?.connection).toBe(
      'disconnected',
    );
    expect(queryClient.getQueryData<{ connection: string }>(queryKeys.vm('alpha'))?.connection).toBe(
      'disconnected',
    );
    vi.advanceTimersByTime(25);
    FakeSocket.latest().open();
    FakeSocket.latest().receive({ type: 'hello', version: '1' });
    expect(queryClient.getQueryState(queryKeys.vms())?.isInvalidated).toBe(true);
    expect(queryClient.getQueryState(queryKeys.vm('alpha'))?.isInvalidated).toBe(true);
    // A `vm` message after the reconnect is fresh news and replaces the placeholder at once.
    FakeSocket.latest().receive({ type: 'vm', vm });
    expect(queryClient.getQueryData<{ connection: string }>(queryKeys.vm('alpha'))?.connection).toBe(
      'connected',
    );
    socket.stop();
  });

  it('drops messages that fail validation and stays open', () => {
    const { socket, received, invalid } = setup();
    socket.start();
    FakeSocket.latest().open();
    FakeSocket.latest().receiveRaw('not json');
    FakeSocket.latest().receive({ type: 'vm', vm: { id: 1 } });
    FakeSocket.latest().receive({ type: 'hello', version: '1' });
    expect(invalid).toHaveLength(2);
    expect(received.map((m) => m.type)).toEqual(['hello']);
    expect(socket.status).toBe('open');
    socket.stop();
  });

  it('writes single events into the VM timeline pages in seq order', () => {
    const { queryClient, socket, writer } = setup();
    socket.start();
    FakeSocket.latest().open();
    FakeSocket.latest().receive(event(2, 'RESUME'));
    FakeSocket.latest().receive(event(1));
    writer.flush();
    const data = queryClient.getQueryData<EventPages>(queryKeys.events('alpha'));
    expect(flattenEvents(data).map((e) => e.seq)).toEqual([1, 2]);
    socket.stop();
  });

  it('writes a batch of events to the cache in one update, not one per event', () => {
    const { queryClient, socket, writer } = setup();
    socket.start();
    FakeSocket.latest().open();
    let writes = 0;
    const stop = queryClient.getQueryCache().subscribe((change) => {
      if (change.type === 'updated' && change.action.type === 'success') writes++;
    });
    const records = Array.from({ length: 500 }, (_, index) => {
      const { type: _type, ...record } = event(index + 1);
      return record;
    });
    FakeSocket.latest().receive({ type: 'events', vm: 'alpha', events: records.slice(0, 250) });
    FakeSocket.latest().receive({ type: 'events', vm: 'alpha', events: records.slice(250) });
    writer.flush();
    stop();
    expect(writes).toBe(1);
    const data = queryClient.getQueryData<EventPages>(queryKeys.events('alpha'));
    expect(flattenEvents(data)).toHaveLength(500);
    socket.stop();
  });

  it("takes a VM's latest event from its vm message, not from its events", () => {
    const { queryClient, socket, writer } = setup();
    queryClient.setQueryData(queryKeys.vms(), [{ ...vm, latestEvent: null }]);
    socket.start();
    FakeSocket.latest().open();
    const latestEvent = { seq: 7, event: 'DEVICE_TRAY_MOVED', timestamp: { seconds: 1, microseconds: 0 } };
    FakeSocket.latest().receive({ type: 'vm', vm: { ...vm, latestEvent } });
    FakeSocket.latest().receive(event(8, 'STOP'));
    writer.flush();
    const list = queryClient.getQueryData<{ latestEvent: { seq: number; event: string } }[]>(queryKeys.vms());
    expect(list?.[0]?.latestEvent).toMatchObject({ seq: 7, event: 'DEVICE_TRAY_MOVED' });
    socket.stop();
  });

  it('resolves an execute with its result and rejects with the QMP error class', async () => {
    const { socket } = setup();
    socket.start();
    const fake = FakeSocket.latest();
    fake.open();
    const ok = socket.execute({ vm: 'alpha', execute: 'cont', origin: 'Resume button' });
    const bad = socket.execute({ vm: 'alpha', execute: 'nope' });
    const [first, second] = fake.sent as { id: string }[];
    expect(fake.sent[0]).toMatchObject({
      type: 'execute',
      vm: 'alpha',
      execute: 'cont',
      origin: 'Resume button',
    });
    fake.receive({ type: 'result', id: second?.id, error: { class: 'CommandNotFound', desc: 'nope' } });
    fake.receive({ type: 'result', id: first?.id, return: {} });
    await expect(ok).resolves.toEqual({});
    await expect(bad).rejects.toMatchObject({ class: 'CommandNotFound', desc: 'nope' });
    socket.stop();
  });

  it('sends every command at once, with no queue of its own: the bridge queues past 64 itself', async () => {
    const { socket } = setup();
    socket.start();
    const fake = FakeSocket.latest();
    fake.open();
    const vms = Array.from({ length: 100 }, (_, index) => `vm${index}`);
    const results = Promise.all(vms.map((vm) => socket.execute({ vm, execute: 'stop' })));
    expect(fake.sent.map((message) => (message as { vm: string }).vm)).toEqual(vms);
    // Answered in any order, each settles its own promise.
    for (const message of [...fake.sent].reverse()) {
      fake.receive({ type: 'result', id: (message as { id: string }).id, return: {} });
    }
    await expect(results).resolves.toHaveLength(100);
    socket.stop();
  });

  it('fails every unanswered command when the connection closes, and never sends it again', async () => {
    const { socket } = setup();
    socket.start();
    const first = FakeSocket.latest();
    first.open();
    const all = Array.from({ length: 70 }, () =>
      socket.execute({ vm: 'alpha', execute: 'stop' }).catch((error: unknown) => error),
    );
    first.drop();
    const errors = await Promise.all(all);
    expect(errors.every((error) => (error as { class?: string }).class === 'ConnectionClosed')).toBe(true);
    await vi.advanceTimersByTimeAsync(50);
    FakeSocket.latest().open();
    expect(FakeSocket.latest().sent).toEqual([]);
    socket.stop();
  });

  it('reconnects after the bridge goes away and resubscribes after the last seq seen', async () => {
    const { queryClient, socket } = setup();
    socket.start();
    const first = FakeSocket.latest();
    first.open();
    const unsubscribe = socket.subscribe('alpha', 4);
    expect(first.sent).toEqual([{ type: 'subscribe', vm: 'alpha', after: 4, batch: true }]);
    first.receive(event(5));
    // A batch counts as seen up to its newest event.
    const { type: _type, ...sixth } = event(6);
    first.receive({ type: 'events', vm: 'alpha', events: [sixth] });
    const pending = socket.execute({ vm: 'alpha', execute: 'stop' });
    first.drop();
    await expect(pending).rejects.toMatchObject({ class: 'ConnectionClosed' });
    expect(queryClient.getQueryData<LiveState>(queryKeys.live())?.status).toBe('closed');

    await vi.advanceTimersByTimeAsync(50);
    const second = FakeSocket.latest();
    expect(second).not.toBe(first);
    second.open();
    expect(second.sent).toEqual([{ type: 'subscribe', vm: 'alpha', after: 6, batch: true }]);
    expect(queryClient.getQueryData<LiveState>(queryKeys.live())).toMatchObject({
      status: 'open',
      everOpen: true,
    });

    unsubscribe();
    expect(second.sent[1]).toEqual({ type: 'unsubscribe', vm: 'alpha' });
    socket.stop();
  });

  it('subscribes once for several views of the same VM', () => {
    const { socket } = setup();
    socket.start();
    const fake = FakeSocket.latest();
    fake.open();
    const a = socket.subscribe('alpha');
    const b = socket.subscribe('alpha');
    a();
    expect(fake.sent).toEqual([{ type: 'subscribe', vm: 'alpha', batch: true }]);
    b();
    expect(fake.sent[1]).toEqual({ type: 'unsubscribe', vm: 'alpha' });
    socket.stop();
  });

  it('refuses an execute while not connected, with a class and a desc', async () => {
    const { socket } = setup();
    socket.start();
    await expect(socket.execute({ vm: 'alpha', execute: 'cont' })).rejects.toMatchObject({
      class: 'BridgeUnreachable',
    });
    socket.stop();
  });

  it('stops for good when the bridge ends the session (4401), failing what waited and saying so', async () => {
    let ended = 0;
    let refused = 0;
    const watched = new LiveSocket({
      url: 'ws://test/api/ws',
      createSocket: (url) => new FakeSocket(url),
      onMessage: () => {},
      onState: () => {},
      onUnauthorized: () => ended++,
      onRefused: () => refused++,
      minDelayMs: 10,
      maxDelayMs: 20,
    });
    watched.start();
    FakeSocket.latest().open();
    const pending = watched.execute({ vm: 'alpha', execute: 'cont' });
    FakeSocket.latest().drop(4401);
    await expect(pending).rejects.toMatchObject({ class: 'ConnectionClosed' });
    expect(ended).toBe(1);
    expect(refused).toBe(0);
    const sockets = FakeSocket.all.length;
    vi.advanceTimersByTime(1_000);
    expect(FakeSocket.all.length).toBe(sockets);
  });

  it('asks the page to check the session when an attempt closes before opening, and keeps retrying', () => {
    let refused = 0;
    const socket = new LiveSocket({
      url: 'ws://test/api/ws',
      createSocket: (url) => new FakeSocket(url),
      onMessage: () => {},
      onState: () => {},
      onRefused: () => refused++,
      minDelayMs: 10,
      maxDelayMs: 20,
    });
    socket.start();
    FakeSocket.latest().drop();
    expect(refused).toBe(1);
    vi.advanceTimersByTime(25);
    expect(FakeSocket.all).toHaveLength(2);
    // A connection that was open and then lost is the bridge going away, not a refusal.
    FakeSocket.latest().open();
    FakeSocket.latest().drop();
    expect(refused).toBe(1);
    socket.stop();
  });
});
