import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../database/database.ts';
import { SessionStore, sessionKey } from './session-store.ts';

const MINUTE = 60_000;
const limits = { idleMs: 120 * MINUTE, maxAgeMs: 24 * 60 * MINUTE };

describe('sessions', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  function open(clock: { now: number }) {
    const dir = mkdtempSync(join(tmpdir(), 'sessions-'));
    dirs.push(dir);
    const path = join(dir, 'bridge.db');
    return { path, store: new SessionStore(openDatabase(path), limits, () => clock.now) };
  }

  it('stores only the sha256 of a random 32-byte id, and survives reopening the file', () => {
    const clock = { now: 1_000_000 };
    const { path, store } = open(clock);
    const { id, key } = store.create('ana');
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(key).toBe(sessionKey(id));
    const rows = store.db.prepare('SELECT * FROM sessions').all();
    expect(JSON.stringify(rows)).not.toContain(id);
    store.db.close();
    const again = new SessionStore(openDatabase(path), limits, () => clock.now);
    expect(again.lookup(id)).toMatchObject({ state: 'valid', session: { user: 'ana' } });
    expect(again.lookup('not-a-session')).toEqual({ state: 'unknown' });
    again.db.close();
  });

  it('ends when idle longer than idleMs, and use (written at most once a minute) keeps it alive', () => {
    const clock = { now: 1_000_000 };
    const { store } = open(clock);
    const { id } = store.create('ana');
    for (let i = 0; i < 10; i++) {
      clock.now += 100 * MINUTE;
      expect(store.lookup(id).state).toBe('valid');
    }
    const lastSeen = (store.lookup(id) as { session: { lastSeen: number } }).session.lastSeen;
    clock.now += 30_000;
    store.lookup(id);
    expect((store.lookup(id) as { session: { lastSeen: number } }).session.lastSeen).toBe(lastSeen);
    clock.now = lastSeen + 120 * MINUTE + 1;
    expect(store.lookup(id).state).toBe('expired');
    store.db.close();
  });

  it('ends after maxAgeMs however busy, and sign-out deletes it and tells the listeners', () => {
    const clock = { now: 1_000_000 };
    const { store } = open(clock);
    const busy = store.create('ana');
    for (let hour = 0; hour < 24; hour++) {
      clock.now += 60 * MINUTE;
      store.lookup(busy.id);
    }
    clock.now += 1;
    expect(store.lookup(busy.id).state).toBe('expired');
    const ended: string[] = [];
    store.onEnded((key) => ended.push(key));
    const other = store.create('bob');
    store.end(other.key);
    expect(ended).toEqual([other.key]);
    expect(store.lookup(other.id)).toEqual({ state: 'unknown' });
    // An expired row is kept a day (its cookie reads "ended"), then swept.
    clock.now += 25 * 60 * MINUTE;
    expect(store.sweep()).toBe(1);
    expect(store.lookup(busy.id)).toEqual({ state: 'unknown' });
    store.db.close();
  });
});
