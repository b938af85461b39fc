import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultDatabasePath, EventStore, type NewEvent } from './event-store.ts';

const stop: NewEvent = { event: 'STOP', timestamp: { seconds: 1, microseconds: 2 }, source: 'qemu' };

function tempDb(): string {
  return join(mkdtempSync(join(tmpdir(), 'bridge-events-')), 'nested', 'events.db');
}

describe('EventStore', () => {
  it('numbers events per VM and keeps data, source and cause', () => {
    const store = new EventStore(':memory:');
    const cause = {
      command: 'stop',
      id: '7',
      client: 'c1',
      user: null,
      origin: 'Pause button',
      remote: null,
    };
    expect(store.append('a', { ...stop, cause }).seq).toBe(1);
    expect(store.append('b', stop).seq).toBe(1);
    store.append('a', { event: 'RESET', data: { guest: false }, timestamp: stop.timestamp, source: 'qemu' });
    expect(store.page('a', 0)).toEqual({
      lastSeq: 2,
      events: [
        { vm: 'a', seq: 1, event: 'STOP', timestamp: stop.timestamp, source: 'qemu', cause },
        {
          vm: 'a',
          seq: 2,
          event: 'RESET',
          data: { guest: false },
          timestamp: stop.timestamp,
          source: 'qemu',
          cause: null,
        },
      ],
    });
    store.close();
  });

  it('pages with after, before and limit', () => {
    const store = new EventStore(':memory:');
    for (let i = 0; i < 10; i++) store.append('a', stop);
    expect(store.page('a', 3, 4).events.map((e) => e.seq)).toEqual([4, 5, 6, 7]);
    expect(store.page('a', 10).events).toEqual([]);
    expect(store.page('nobody', 0)).toEqual({ events: [], lastSeq: 0 });
    expect(store.pageBefore('a', 8, 0, 3).events.map((e) => e.seq)).toEqual([5, 6, 7]);
    expect(store.pageBefore('a', 4, 1, 10).events.map((e) => e.seq)).toEqual([2, 3]);
    expect(store.pageBefore('a', 11, 0, 2).events.map((e) => e.seq)).toEqual([9, 10]);
  });

  it('keeps each VM within maxEvents as events are appended', () => {
    const store = new EventStore(':memory:', { maxEvents: 5, maxAgeMs: null });
    for (let i = 0; i < 20; i++) store.append('a', stop);
    for (let i = 0; i < 3; i++) store.append('b', stop);
    expect(store.page('a', 0).events.map((e) => e.seq)).toEqual([16, 17, 18, 19, 20]);
    expect(store.page('b', 0).events.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(store.prune()).toBe(0);
    store.close();
  });

  it('applies retention by count and by age at open, and keeps seq growing after it removed everything', () => {
    const path = tempDb();
    const unlimited = new EventStore(path);
    for (let i = 0; i < 10; i++) unlimited.append('a', stop);
    unlimited.close();

    const byCount = new EventStore(path, { maxEvents: 4, maxAgeMs: null });
    expect(byCount.page('a', 0).events.map((e) => e.seq)).toEqual([7, 8, 9, 10]);
    byCount.close();

    const byAge = new EventStore(path, { maxEvents: 4, maxAgeMs: 1000 }, () => Date.now() + 10_000);
    expect(byAge.page('a', 0)).toEqual({ events: [], lastSeq: 10 });
    expect(byAge.append('a', stop).seq).toBe(11);
    byAge.close();
  });

  it('drops events older than maxAgeMs when pruned', () => {
    const store = new EventStore(':memory:', { maxEvents: 100, maxAgeMs: 1000 });
    for (let i = 0; i < 3; i++) store.append('a', stop);
    expect(store.prune(Date.now() - 10_000)).toBe(0);
    expect(store.prune(Date.now() + 10_000)).toBe(3);
    expect(store.page('a', 0).events).toEqual([]);
    store.close();
  });

  it('defaults to the XDG data directory', () => {
    expect(defaultDatabasePath({ XDG_DATA_HOME: '/data' })).toBe('/data/qmpdeck/events.db');
    expect(defaultDatabasePath({})).toMatch(/\.local\/share\/qmpdeck\/events\.db$/);
  });
});
