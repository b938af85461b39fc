/**
 * The retention rule per VM: keep its last N backups. Kept in the bridge's SQLite file (it applies to config VMs
 * and defined ones alike); applied when it is set and after each backup, the oldest going first.
 */
import type Database from 'better-sqlite3';
import type { StorageConfig } from '../config/schema.ts';
import type { SqliteDatabase } from '../database/database.ts';
import { listManifests, removeBackup } from './backup-files.ts';

export class BackupRetention {
  readonly #get: Database.Statement;
  readonly #set: Database.Statement;
  readonly #clear: Database.Statement;

  constructor(db: SqliteDatabase) {
    db.exec('CREATE TABLE IF NOT EXISTS backup_retention (vm TEXT PRIMARY KEY, keep INTEGER NOT NULL)');
    this.#get = db.prepare('SELECT keep FROM backup_retention WHERE vm = ?');
    this.#set = db.prepare('INSERT OR REPLACE INTO backup_retention (vm, keep) VALUES (?, ?)');
    this.#clear = db.prepare('DELETE FROM backup_retention WHERE vm = ?');
  }

  /** How many backups of `vm` are kept, or null (all). */
  keep(vm: string): number | null {
    return (this.#get.get(vm) as { keep: number } | undefined)?.keep ?? null;
  }

  set(vm: string, keep: number | null): void {
    if (keep === null) this.#clear.run(vm);
    else this.#set.run(vm, keep);
  }

  /** Removes the backups of `vm` beyond its rule, oldest first; answers their ids. */
  apply(storage: readonly StorageConfig[], vm: string): string[] {
    const keep = this.keep(vm);
    if (keep === null) return [];
    const all = listManifests(storage, vm);
    // The last `keep`, and every backup one of them builds on (an incremental chain stays whole).
    const kept = new Set(all.slice(0, keep).map((manifest) => manifest.id));
    for (const manifest of all) {
      if (kept.has(manifest.id) && manifest.base) kept.add(manifest.base);
    }
    // Newest first: a child goes before the backup it builds on.
    const beyond = all.filter((manifest) => !kept.has(manifest.id));
    for (const manifest of beyond) removeBackup(storage, manifest);
    return beyond.map((manifest) => manifest.id);
  }
}
