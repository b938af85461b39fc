/**
 * The bridge's one SQLite file: event history, the audit log and sign-in sessions live side by side in it, so one
 * backup copies all three and one `database` setting places them. Its directory is created 0700 (the file holds
 * who did what, and session hashes).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export type SqliteDatabase = Database.Database;

export function openDatabase(path: string): SqliteDatabase {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  return db;
}
