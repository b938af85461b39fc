import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../database/database.ts';
import { AuditStore, type NewAuditEntry } from './audit-store.ts';

const DAY = 86_400_000;

function entry(overrides: Partial<NewAuditEntry>): NewAuditEntry {
  return {
    time: 0,
    kind: 'command',
    user: 'ana',
    role: 'operator',
    remote: '127.0.0.1',
    client: 'c1',
    origin: null,
    vm: 'alpha',
    target: 'qmp',
    command: 'stop',
    arguments: null,
    outcome: 'ok',
    error: null,
    durationMs: 1,
    ...overrides,
  };
}

describe('the audit store', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  function open(clock: { now: number }, retention = { maxEntries: 1000, maxAgeMs: 90 * DAY }) {
    const dir = mkdtempSync(join(tmpdir(), 'audit-'));
    dirs.push(dir);
    const path = join(dir, 'bridge.db');
    return { path, store: new AuditStore(openDatabase(path), retention, () => clock.now) };
  }

  it('pages newest first, by VM, by user and before an id, and a page read includes rows just appended', () => {
    const clock = { now: 1_000 };
    const { store } = open(clock);
    for (let i = 1; i <= 30; i++) {
      store.append(
        entry({ time: i, vm: i % 2 ? 'alpha' : 'beta', user: i % 3 ? 'ana' : 'bob', arguments: { n: i } }),
      );
    }
    const all = store.page();
    expect(all.map((e) => e.id)).toEqual(Array.from({ length: 30 }, (_, i) => 30 - i));
    expect(all[0]).toMatchObject({ time: 30, vm: 'beta', arguments: { n: 30 } });
    expect(store.page({ vm: 'alpha', limit: 3 }).map((e) => e.time)).toEqual([29, 27, 25]);
    expect(store.page({ user: 'bob', before: 10, limit: 10 }).map((e) => e.time)).toEqual([9, 6, 3]);
    expect(store.page({ limit: 5000 })).toHaveLength(30);
  });

  it('shows a scoped reader only entries about its VMs, or about no VM, filling whole pages', () => {
    const clock = { now: 1_000 };
    const { store } = open(clock, { maxEntries: 10_000, maxAgeMs: 90 * DAY });
    for (let i = 1; i <= 3000; i++) store.append(entry({ time: i, vm: i % 100 === 0 ? 'web-1' : 'db' }));
    store.append(entry({ kind: 'sign-in', vm: null, command: null, target: null }));
    const page = store.page({ scope: ['web-*'], limit: 20 });
    expect(page).toHaveLength(20);
    expect(page[0]?.kind).toBe('sign-in');
    expect(page.slice(1).every((e) => e.vm === 'web-1')).toBe(true);
  });

  it('keeps at most maxEntries rows and none older than maxAge, also across a reopen', () => {
    const clock = { now: 100 * DAY };
    const { path, store } = open(clock, { maxEntries: 10, maxAgeMs: 90 * DAY });
    for (let i = 0; i < 25; i++) store.append(entry({ time: clock.now }));
    store.flush();
    expect(store.page().map((e) => e.id)).toEqual([25, 24, 23, 22, 21, 20, 19, 18, 17, 16]);
    clock.now += 91 * DAY;
    store.append(entry({ time: clock.now }));
    expect(store.prune()).toBe(10);
    expect(store.page().map((e) => e.id)).toEqual([26]);
    const reopened = new AuditStore(
      openDatabase(path),
      { maxEntries: 10, maxAgeMs: DAY },
      () => clock.now + 2 * DAY,
    );
    expect(reopened.page()).toEqual([]);
  });
});
