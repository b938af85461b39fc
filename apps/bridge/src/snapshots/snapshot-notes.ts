/**
 * What QEMU does not keep with an internal snapshot: the description a person gave it. A table in the bridge's
 * SQLite file, by VM and snapshot name.
 */
import type Database from 'better-sqlite3';
import type { SqliteDatabase } from '../database/database.ts';

export class SnapshotNotes {
  readonly #set: Database.Statement;
  readonly #get: Database.Statement;
  readonly #delete: Database.Statement;

  constructor(db: SqliteDatabase) {
    db.exec(`CREATE TABLE IF NOT EXISTS snapshot_notes (
      vm TEXT NOT NULL, name TEXT NOT NULL, description TEXT NOT NULL, PRIMARY KEY (vm, name))`);
    this.#set = db.prepare('INSERT OR REPLACE INTO snapshot_notes (vm, name, description) VALUES (?, ?, ?)');
    this.#get = db.prepare('SELECT description FROM snapshot_notes WHERE vm = ? AND name = ?');
    this.#delete = db.prepare('DELETE FROM snapshot_notes WHERE vm = ? AND name = ?');
  }

  set(vm: string, name: string, description: string): void {
    this.#set.run(vm, name, description);
  }

  get(vm: string, name: string): string | null {
    const row = this.#get.get(vm, name) as { description: string } | undefined;
    return row?.description ?? null;
  }

  delete(vm: string, name: string): void {
    this.#delete.run(vm, name);
  }
}
