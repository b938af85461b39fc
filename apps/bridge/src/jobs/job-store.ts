/**
 * The task log, a table in the bridge's SQLite file: every job with its progress, who started it and how it
 * ended. Finished jobs are kept (the newest `MAX_KEPT`) until someone dismisses them. A job that was running when
 * the bridge stopped cannot be running now: it is marked failed when the store opens.
 */
import type { Job, JobStatus } from '@qmpdeck/protocol';
import type Database from 'better-sqlite3';
import type { SqliteDatabase } from '../database/database.ts';

/** Finished jobs kept; the oldest beyond this are forgotten. */
export const MAX_KEPT = 1000;
export const DEFAULT_JOB_PAGE = 100;
export const MAX_JOB_PAGE = 1000;

export type StoredJob = Omit<Job, 'rate' | 'timeLeft' | 'can'>;

export interface JobQuery {
  vm?: string | undefined;
  status?: JobStatus | undefined;
  limit?: number | undefined;
}

interface Row {
  id: number;
  vm: string | null;
  kind: string;
  status: string;
  current: number | null;
  total: number | null;
  started_at: number;
  ended_at: number | null;
  user: string | null;
  command: string | null;
  error: string | null;
  description: string;
}

export class JobStore {
  readonly #insert: Database.Statement;
  readonly #update: Database.Statement;
  readonly #get: Database.Statement;
  readonly #delete: Database.Statement;
  readonly #trim: Database.Statement;
  readonly #db: SqliteDatabase;

  constructor(db: SqliteDatabase, now: () => number = Date.now) {
    this.#db = db;
    db.exec(`
      CREATE TABLE IF NOT EXISTS jobs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        vm TEXT, kind TEXT NOT NULL, status TEXT NOT NULL, current REAL, total REAL,
        started_at INTEGER NOT NULL, ended_at INTEGER, user TEXT, command TEXT, error TEXT,
        description TEXT NOT NULL DEFAULT ''
      );
      CREATE INDEX IF NOT EXISTS jobs_by_vm ON jobs (vm, id);
    `);
    db.prepare(
      `UPDATE jobs SET status = 'failed', ended_at = ?, error = 'the bridge stopped while it ran'
       WHERE status IN ('running', 'paused')`,
    ).run(now());
    this.#insert = db.prepare(
      `INSERT INTO jobs (vm, kind, status, current, total, started_at, user, command, description)
       VALUES (@vm, @kind, @status, @current, @total, @startedAt, @user, @command, @description)`,
    );
    this.#update = db.prepare(
      `UPDATE jobs SET status = @status, current = @current, total = @total, ended_at = @endedAt, error = @error
       WHERE id = @id`,
    );
    this.#get = db.prepare('SELECT * FROM jobs WHERE id = ?');
    this.#delete = db.prepare('DELETE FROM jobs WHERE id = ?');
    this.#trim = db.prepare(
      `DELETE FROM jobs WHERE status NOT IN ('running', 'paused') AND id <= (
         SELECT id FROM jobs WHERE status NOT IN ('running', 'paused') ORDER BY id DESC LIMIT 1 OFFSET ?)`,
    );
  }

  /** Stores a new job; answers its id. */
  insert(job: Omit<StoredJob, 'id' | 'endedAt' | 'error'>): string {
    const result = this.#insert.run({
      vm: job.vm,
      kind: job.kind,
      status: job.status,
      current: job.progress?.current ?? null,
      total: job.progress?.total ?? null,
      startedAt: job.startedAt,
      user: job.user ?? null,
      command: job.command ?? null,
      description: job.description ?? '',
    });
    return String(result.lastInsertRowid);
  }

  update(job: StoredJob): void {
    this.#update.run({
      id: Number(job.id),
      status: job.status,
      current: job.progress?.current ?? null,
      total: job.progress?.total ?? null,
      endedAt: job.endedAt ?? null,
      error: job.error ?? null,
    });
    if (job.status !== 'running' && job.status !== 'paused') this.#trim.run(MAX_KEPT);
  }

  get(id: string): StoredJob | null {
    if (!/^\d+$/.test(id)) return null;
    const row = this.#get.get(Number(id)) as Row | undefined;
    return row ? toJob(row) : null;
  }

  delete(id: string): void {
    this.#delete.run(Number(id));
  }

  /** Newest first. */
  list(query: JobQuery): StoredJob[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.vm !== undefined) {
      where.push('vm = ?');
      params.push(query.vm);
    }
    if (query.status !== undefined) {
      where.push('status = ?');
      params.push(query.status);
    }
    const limit = Math.min(query.limit ?? DEFAULT_JOB_PAGE, MAX_JOB_PAGE);
    const sql = `SELECT * FROM jobs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    return (this.#db.prepare(sql).all(...params, limit) as Row[]).map(toJob);
  }
}

function toJob(row: Row): StoredJob {
  return {
    id: String(row.id),
    vm: row.vm,
    kind: row.kind,
    status: row.status as JobStatus,
    progress: row.total === null ? null : { current: row.current ?? 0, total: row.total },
    startedAt: row.started_at,
    endedAt: row.ended_at,
    user: row.user,
    command: row.command,
    error: row.error,
    description: row.description,
  };
}
