/**
 * Event history in SQLite. Each VM's `seq` only grows: the highest seq ever
 * given is kept in its own table, so neither retention nor a bridge restart can
 * hand out a number twice. Appends are synchronous, which lets the hub replay
 * history and join the live stream in one tick, with no gap and no duplicate.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  BridgeEventName,
  type Cause,
  type EventPage,
  type EventRecord,
  type Timestamp,
} from '@qmpdeck/protocol';
import type Database from 'better-sqlite3';
import { openDatabase, type SqliteDatabase } from '../database/database.ts';

/**
 * Events that are not news for a person, left out of a VM's `latestEvent`: the guest agent coming and going is
 * the link's heartbeat (it changes with every pause), not something that happened to the VM.
 */
export const NOT_NEWS: readonly string[] = [
  BridgeEventName.GuestAgentConnected,
  BridgeEventName.GuestAgentUnavailable,
];

export function isNews(event: string): boolean {
  return !NOT_NEWS.includes(event);
}

export interface NewEvent {
  event: string;
  data?: Record<string, unknown> | undefined;
  timestamp: Timestamp;
  source: 'qemu' | 'bridge';
  cause?: Cause | null;
}

export interface RetentionPolicy {
  /** Per VM; kept on every append. */
  maxEvents: number;
  /** Applied at open and by `prune()`, which the server runs every minute. */
  maxAgeMs: number | null;
}

interface Row {
  vm: string;
  seq: number;
  event: string;
  data: string | null;
  seconds: number;
  microseconds: number;
  source: string;
  cause: string | null;
}

export const MAX_PAGE = 1000;

export function defaultDatabasePath(env: NodeJS.ProcessEnv = process.env): string {
  const dataHome = env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return join(dataHome, 'qmpdeck', 'events.db');
}

export class EventStore {
  readonly #db: SqliteDatabase;
  /** Whether this store opened the file itself (and so closes it), or shares the server's connection. */
  readonly #ownsDb: boolean;
  readonly #lastSeq = new Map<string, number>();
  readonly #insert: Database.Statement;
  readonly #saveSeq: Database.Statement;
  readonly #page: Database.Statement;
  readonly #pageBefore: Database.Statement;
  readonly #latest: Database.Statement;
  readonly #latestNews: Database.Statement;
  readonly #trim: Database.Statement;

  /** `database`: a file path (opened and closed by the store) or the server's shared connection. */
  constructor(
    database: string | SqliteDatabase,
    readonly retention: RetentionPolicy = { maxEvents: 100_000, maxAgeMs: null },
    now: () => number = Date.now,
  ) {
    this.#ownsDb = typeof database === 'string';
    this.#db = typeof database === 'string' ? openDatabase(database) : database;
    this.#db.exec(`
      CREATE TABLE IF NOT EXISTS events (
        vm TEXT NOT NULL, seq INTEGER NOT NULL, event TEXT NOT NULL, data TEXT,
        seconds INTEGER NOT NULL, microseconds INTEGER NOT NULL, source TEXT NOT NULL, cause TEXT,
        stored_at INTEGER NOT NULL,
        PRIMARY KEY (vm, seq)
      ) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS events_by_age ON events (stored_at);
      CREATE TABLE IF NOT EXISTS vm_seq (vm TEXT PRIMARY KEY, last_seq INTEGER NOT NULL) WITHOUT ROWID;
    `);
    for (const row of this.#db.prepare('SELECT vm, last_seq FROM vm_seq').all() as {
      vm: string;
      last_seq: number;
    }[]) {
      this.#lastSeq.set(row.vm, row.last_seq);
    }
    this.#insert = this.#db.prepare(
      'INSERT INTO events (vm, seq, event, data, seconds, microseconds, source, cause, stored_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.#saveSeq = this.#db.prepare(
      'INSERT INTO vm_seq (vm, last_seq) VALUES (?, ?) ON CONFLICT (vm) DO UPDATE SET last_seq = excluded.last_seq',
    );
    this.#page = this.#db.prepare('SELECT * FROM events WHERE vm = ? AND seq > ? ORDER BY seq LIMIT ?');
    this.#pageBefore = this.#db.prepare(
      'SELECT * FROM events WHERE vm = ? AND seq > ? AND seq < ? ORDER BY seq DESC LIMIT ?',
    );
    this.#latest = this.#db.prepare('SELECT * FROM events WHERE vm = ? ORDER BY seq DESC LIMIT 1');
    this.#latestNews = this.#db.prepare(
      `SELECT * FROM events WHERE vm = ? AND event NOT IN (${NOT_NEWS.map(() => '?').join(', ')}) ORDER BY seq DESC LIMIT 1`,
    );
    this.#trim = this.#db.prepare('DELETE FROM events WHERE vm = ? AND seq <= ?');
    // A database kept under a looser policy (or none) is brought within this one before anyone reads a page.
    this.prune(now());
  }

  lastSeq(vm: string): number {
    return this.#lastSeq.get(vm) ?? 0;
  }

  append(vm: string, event: NewEvent): EventRecord {
    const seq = this.lastSeq(vm) + 1;
    const cause = event.cause ?? null;
    this.#db.transaction(() => {
      this.#insert.run(
        vm,
        seq,
        event.event,
        event.data === undefined ? null : JSON.stringify(event.data),
        event.timestamp.seconds,
        event.timestamp.microseconds,
        event.source,
        cause === null ? null : JSON.stringify(cause),
        Date.now(),
      );
      this.#saveSeq.run(vm, seq);
      // One indexed delete of the row that just fell out: the page never holds more than maxEvents.
      if (seq > this.retention.maxEvents) this.#trim.run(vm, seq - this.retention.maxEvents);
    })();
    this.#lastSeq.set(vm, seq);
    const record: EventRecord = {
      vm,
      seq,
      event: event.event,
      timestamp: event.timestamp,
      source: event.source,
      cause,
    };
    if (event.data !== undefined) record.data = event.data;
    return record;
  }

  /** Events with seq above `after`, oldest first. */
  page(vm: string, after: number, limit: number = MAX_PAGE): EventPage {
    const rows = this.#page.all(vm, after, clampLimit(limit)) as Row[];
    return { events: rows.map(toRecord), lastSeq: this.lastSeq(vm) };
  }

  /** The newest events with `after < seq < before`, oldest first: a timeline paging back in time. */
  pageBefore(vm: string, before: number, after = 0, limit: number = MAX_PAGE): EventPage {
    const rows = this.#pageBefore.all(vm, after, before, clampLimit(limit)) as Row[];
    return { events: rows.reverse().map(toRecord), lastSeq: this.lastSeq(vm) };
  }

  latest(vm: string): EventRecord | null {
    // A VM may still describe itself (a last `vm` push) while the bridge is closing the store.
    if (!this.#db.open) return null;
    const row = this.#latest.get(vm) as Row | undefined;
    return row === undefined ? null : toRecord(row);
  }

  /** The newest event that is news for a person (see NOT_NEWS): a VM's `latestEvent`. */
  latestNews(vm: string): EventRecord | null {
    if (!this.#db.open) return null;
    const row = this.#latestNews.get(vm, ...NOT_NEWS) as Row | undefined;
    return row === undefined ? null : toRecord(row);
  }

  /** Applies the whole retention policy (age, and count for what an older policy left); returns the rows removed. */
  prune(now = Date.now()): number {
    let removed = 0;
    const { maxEvents, maxAgeMs } = this.retention;
    if (maxAgeMs !== null) {
      removed += this.#db.prepare('DELETE FROM events WHERE stored_at < ?').run(now - maxAgeMs).changes;
    }
    for (const [vm, last] of this.#lastSeq) {
      if (last > maxEvents) removed += this.#trim.run(vm, last - maxEvents).changes;
    }
    return removed;
  }

  close(): void {
    if (this.#ownsDb && this.#db.open) this.#db.close();
  }
}

function clampLimit(limit: number): number {
  return Math.min(Math.max(limit, 1), MAX_PAGE);
}

function toRecord(row: Row): EventRecord {
  const record: EventRecord = {
    vm: row.vm,
    seq: row.seq,
    event: row.event,
    timestamp: { seconds: row.seconds, microseconds: row.microseconds },
    source: row.source === 'bridge' ? 'bridge' : 'qemu',
    cause: row.cause === null ? null : (JSON.parse(row.cause) as Cause),
  };
  if (row.data !== null) record.data = JSON.parse(row.data) as Record<string, unknown>;
  return record;
}
