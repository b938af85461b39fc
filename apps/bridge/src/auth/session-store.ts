/**
 * Sign-in sessions, in the bridge's SQLite file so a restart signs nobody out. A session id is 32 random bytes
 * (base64url, the cookie's value); the table keeps only its sha256 (the "session key"), the user, when it was
 * made and when it was last used. A session ends when it is idle too long, when it is too old, or when its user
 * signs out (the row is deleted).
 *
 * `last_seen` is written at most once a minute per session (a busy page does not write on every request); an
 * open WebSocket of the session keeps it alive the same way (the hub touches it). Ended sessions whose rows are
 * still there (expired, not signed out) answer `expired` for a day, so a browser with an old cookie is told "sign
 * in again" instead of being counted as guessing; `sweep()` then removes them.
 */
import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { SqliteDatabase } from '../database/database.ts';
import { sha256 } from './token.ts';

export interface SessionLimits {
  idleMs: number;
  maxAgeMs: number;
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = { idleMs: 120 * 60_000, maxAgeMs: 24 * 3_600_000 };
/** How often a session's last use is written at most. */
export const TOUCH_EVERY_MS = 60_000;
/** How long an expired session's row stays, so its cookie reads "expired" rather than "unknown". */
const KEEP_EXPIRED_MS = 86_400_000;

export interface SessionRow {
  key: string;
  user: string;
  created: number;
  lastSeen: number;
}

export type SessionLookup =
  | { state: 'valid'; session: SessionRow }
  | { state: 'expired'; session: SessionRow }
  | { state: 'unknown' };

/** The key a session id is stored under: the id never reaches the database (or a log). */
export function sessionKey(id: string): string {
  return sha256(id).toString('hex');
}

export class SessionStore {
  readonly #insert: Database.Statement;
  readonly #get: Database.Statement;
  readonly #touch: Database.Statement;
  readonly #delete: Database.Statement;
  readonly #sweep: Database.Statement;
  readonly #ended = new Set<(key: string) => void>();

  constructor(
    readonly db: SqliteDatabase,
    readonly limits: SessionLimits = DEFAULT_SESSION_LIMITS,
    readonly now: () => number = Date.now,
  ) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS sessions (
        key TEXT PRIMARY KEY, user TEXT NOT NULL, created INTEGER NOT NULL, last_seen INTEGER NOT NULL
      ) WITHOUT ROWID;
    `);
    this.#insert = db.prepare('INSERT INTO sessions (key, user, created, last_seen) VALUES (?, ?, ?, ?)');
    this.#get = db.prepare('SELECT key, user, created, last_seen AS lastSeen FROM sessions WHERE key = ?');
    this.#touch = db.prepare('UPDATE sessions SET last_seen = ? WHERE key = ?');
    this.#delete = db.prepare('DELETE FROM sessions WHERE key = ?');
    this.#sweep = db.prepare('DELETE FROM sessions WHERE created < ? OR last_seen < ?');
    this.sweep();
  }

  /** A new session for `user`; answers its id (the cookie's value), which is not kept anywhere. */
  create(user: string): { id: string; key: string } {
    const id = randomBytes(32).toString('base64url');
    const key = sessionKey(id);
    const now = this.now();
    this.#insert.run(key, user, now, now);
    return { id, key };
  }

  /** The session behind a cookie's id; a valid one's last use is recorded (at most once a minute). */
  lookup(id: string): SessionLookup {
    return this.lookupKey(sessionKey(id));
  }

  lookupKey(key: string): SessionLookup {
    const row = this.#get.get(key) as SessionRow | undefined;
    if (row === undefined) return { state: 'unknown' };
    const now = this.now();
    if (this.#expired(row, now)) return { state: 'expired', session: row };
    if (now - row.lastSeen >= TOUCH_EVERY_MS) {
      this.#touch.run(now, key);
      row.lastSeen = now;
    }
    return { state: 'valid', session: row };
  }

  /** Sign-out: the row is deleted, and whoever listens (the hub) closes the session's WebSockets. */
  end(key: string): void {
    this.#delete.run(key);
    for (const listener of this.#ended) listener(key);
  }

  onEnded(listener: (key: string) => void): void {
    this.#ended.add(listener);
  }

  /** Removes rows ended long enough ago that their cookies are surely gone; returns how many. */
  sweep(): number {
    const now = this.now();
    return this.#sweep.run(
      now - this.limits.maxAgeMs - KEEP_EXPIRED_MS,
      now - this.limits.idleMs - KEEP_EXPIRED_MS,
    ).changes;
  }

  #expired(row: SessionRow, now: number): boolean {
    return now - row.lastSeen > this.limits.idleMs || now - row.created > this.limits.maxAgeMs;
  }
}
