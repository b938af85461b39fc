/**
 * Usage history in SQLite, consolidated as tiers.ts describes: each sample is a raw row per series; when a minute
 * is over, its rows become one 1-minute row per series (average, maximum, and how many samples it stands for), and
 * the 30-minute and daily rows that hold that minute are made again from the tier below. Every write is an upsert
 * computed from the database, so a bridge restart loses nothing already stored and never counts a sample twice.
 * Each tier is trimmed to its age as it is written, so the file stays the same size once a year is full.
 *
 * Rows are keyed (vm, tier, time, series) with VMs and series names stored once, as small integers: a year of one
 * VM is about 4,000 rows per series (720 raw + 1,440 + 1,488 + 366).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type MetricsRange, type MetricsResponse, RANGE_SECONDS } from '@qmpdeck/protocol';
import Database from 'better-sqlite3';
import {
  bucketOf,
  CONSOLIDATED,
  DAY_TIER,
  HALF_HOUR_TIER,
  MINUTE_TIER,
  rawTier,
  type Tier,
  tierOf,
} from './tiers.ts';

export interface RecordedSample {
  vm: string;
  /** Unix seconds. */
  time: number;
  values: Readonly<Record<string, number>>;
}

type Point = [number, number | null];

export class MetricsHistory {
  readonly #db: Database.Database;
  readonly #raw: Tier;
  readonly #vmKeys = new Map<string, number>();
  readonly #seriesIds = new Map<string, number>();
  readonly #seriesNames = new Map<number, string>();
  /** Per VM key, the minute whose raw rows are not consolidated yet. */
  readonly #openMinute = new Map<number, number>();
  readonly #statements: ReturnType<typeof prepare>;

  constructor(
    path: string,
    readonly intervalSeconds: number,
    now: () => number = Date.now,
  ) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    this.#db = new Database(path);
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('synchronous = NORMAL');
    this.#db.exec(SCHEMA);
    this.#raw = rawTier(intervalSeconds);
    this.#statements = prepare(this.#db);
    for (const row of this.#db.prepare('SELECT id, vm FROM metric_vms').all() as { id: number; vm: string }[])
      this.#vmKeys.set(row.vm, row.id);
    for (const row of this.#db.prepare('SELECT id, vm, name FROM metric_series').all() as SeriesRow[]) {
      this.#seriesIds.set(seriesKey(row.vm, row.name), row.id);
      this.#seriesNames.set(row.id, row.name);
    }
    this.#catchUp(Math.floor(now() / 1000));
  }

  /** Stores one tick's samples (one transaction), closing the minutes that are over. */
  record(samples: readonly RecordedSample[]): void {
    if (samples.length === 0) return;
    const s = this.#statements;
    this.#db.transaction(() => {
      for (const { vm, time, values } of samples) {
        const key = this.#vmKey(vm);
        const minute = bucketOf(time, MINUTE_TIER.step);
        const open = this.#openMinute.get(key);
        if (open !== undefined && open !== minute) this.#consolidate(key, open, time);
        this.#openMinute.set(key, minute);
        for (const [name, value] of Object.entries(values)) {
          if (Number.isFinite(value)) s.upsertRaw.run(key, time, this.#seriesId(vm, name), value);
        }
      }
    })();
  }

  /** Closes minutes that ended with no sample after them (a VM stopped or disconnected); run on every tick. */
  closeIdle(nowSeconds: number): void {
    const minute = bucketOf(nowSeconds, MINUTE_TIER.step);
    const idle = [...this.#openMinute].filter(([, open]) => open < minute);
    if (idle.length === 0) return;
    this.#db.transaction(() => {
      for (const [key, open] of idle) {
        this.#consolidate(key, open, nowSeconds);
        this.#openMinute.delete(key);
      }
    })();
  }

  /**
   * The VM's history over `range` back from `nowSeconds`: every series (or those `wanted` names, `prefix*` for a
   * family), each point `[bucket start, average]`, with a `null` point where samples stop for more than a step so
   * a chart shows the gap; for consolidated ranges also the maxima.
   */
  read(vm: string, range: MetricsRange, nowSeconds: number, wanted?: readonly string[]): MetricsResponse {
    const tier = tierOf(range, this.intervalSeconds);
    const key = this.#vmKeys.get(vm);
    const series: Record<string, Point[]> = {};
    const max: Record<string, Point[]> = {};
    if (key !== undefined) {
      const rows = this.#statements.range.all(key, tier.id, nowSeconds - RANGE_SECONDS[range]) as PointRow[];
      const matches = nameFilter(wanted);
      // Per series id: its points (and maxima), or null when not wanted; looked up once per series, not per row.
      const targets = new Map<number, { points: Point[]; peaks: Point[] | null } | null>();
      for (const [t, id, avg, peak] of rows) {
        let target = targets.get(id);
        if (target === undefined) {
          const name = this.#seriesNames.get(id);
          target =
            name === undefined || !matches(name)
              ? null
              : { points: pointsOf(series, name), peaks: tier.id === 0 ? null : pointsOf(max, name) };
          targets.set(id, target);
        }
        if (target === null) continue;
        appendPoint(target.points, t, avg, tier.step);
        if (target.peaks !== null) appendPoint(target.peaks, t, peak ?? avg, tier.step);
      }
    }
    return tier.id === 0 ? { range, step: tier.step, series } : { range, step: tier.step, series, max };
  }

  /** Bytes the database takes (pages in use), for the figures of the docs. */
  sizeBytes(): number {
    const pageSize = this.#db.pragma('page_size', { simple: true }) as number;
    const pages = this.#db.pragma('page_count', { simple: true }) as number;
    const free = this.#db.pragma('freelist_count', { simple: true }) as number;
    return (pages - free) * pageSize;
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }

  /**
   * Makes the minute's 1-minute rows, then the 30-minute and daily rows holding it again (each from the tier
   * below), then trims every tier of this VM to its age as of `nowSeconds`.
   */
  #consolidate(key: number, minute: number, nowSeconds: number): void {
    const s = this.#statements;
    for (const { tier, from } of CONSOLIDATED) {
      const bucket = bucketOf(minute, tier.step);
      s.consolidate.run({ key, tier: tier.id, from, bucket, end: bucket + tier.step });
    }
    for (const tier of [this.#raw, MINUTE_TIER, HALF_HOUR_TIER, DAY_TIER]) {
      s.trim.run(key, tier.id, nowSeconds - tier.keep);
    }
  }

  /** At open: the minute each VM was last sampled in is consolidated (idempotent), and every tier trimmed. */
  #catchUp(nowSeconds: number): void {
    const last = this.#db
      .prepare('SELECT vm_key AS key, max(t) AS t FROM metric_points WHERE tier = 0 GROUP BY vm_key')
      .all() as { key: number; t: number }[];
    this.#db.transaction(() => {
      for (const { key, t } of last) this.#consolidate(key, bucketOf(t, MINUTE_TIER.step), nowSeconds);
      // VMs with no raw rows left still age out of the coarser tiers.
      for (const key of this.#vmKeys.values()) {
        for (const tier of [MINUTE_TIER, HALF_HOUR_TIER, DAY_TIER]) {
          this.#statements.trim.run(key, tier.id, nowSeconds - tier.keep);
        }
      }
    })();
  }

  #vmKey(vm: string): number {
    let key = this.#vmKeys.get(vm);
    if (key === undefined) {
      this.#statements.insertVm.run(vm);
      key = (this.#statements.vmKey.get(vm) as { id: number }).id;
      this.#vmKeys.set(vm, key);
    }
    return key;
  }

  #seriesId(vm: string, name: string): number {
    const k = seriesKey(vm, name);
    let id = this.#seriesIds.get(k);
    if (id === undefined) {
      this.#statements.insertSeries.run(vm, name);
      id = (this.#statements.seriesId.get(vm, name) as { id: number }).id;
      this.#seriesIds.set(k, id);
      this.#seriesNames.set(id, name);
    }
    return id;
  }
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS metric_vms (id INTEGER PRIMARY KEY, vm TEXT NOT NULL UNIQUE);
  CREATE TABLE IF NOT EXISTS metric_series (
    id INTEGER PRIMARY KEY, vm TEXT NOT NULL, name TEXT NOT NULL, UNIQUE (vm, name)
  );
  CREATE TABLE IF NOT EXISTS metric_points (
    vm_key INTEGER NOT NULL, tier INTEGER NOT NULL, t INTEGER NOT NULL, series INTEGER NOT NULL,
    avg REAL NOT NULL, max REAL, n INTEGER NOT NULL,
    PRIMARY KEY (vm_key, tier, t, series)
  ) WITHOUT ROWID;
`;

function prepare(db: Database.Database) {
  return {
    insertVm: db.prepare('INSERT OR IGNORE INTO metric_vms (vm) VALUES (?)'),
    vmKey: db.prepare('SELECT id FROM metric_vms WHERE vm = ?'),
    insertSeries: db.prepare('INSERT OR IGNORE INTO metric_series (vm, name) VALUES (?, ?)'),
    seriesId: db.prepare('SELECT id FROM metric_series WHERE vm = ? AND name = ?'),
    // A raw row stands for one sample: its own average, no separate maximum.
    upsertRaw: db.prepare(
      `INSERT INTO metric_points (vm_key, tier, t, series, avg, max, n) VALUES (?, 0, ?, ?, ?, NULL, 1)
       ON CONFLICT (vm_key, tier, t, series) DO UPDATE SET avg = excluded.avg`,
    ),
    consolidate: db.prepare(
      `INSERT INTO metric_points (vm_key, tier, t, series, avg, max, n)
       SELECT vm_key, @tier, @bucket, series, sum(avg * n) / sum(n), max(coalesce(max, avg)), sum(n)
       FROM metric_points WHERE vm_key = @key AND tier = @from AND t >= @bucket AND t < @end
       GROUP BY series
       ON CONFLICT (vm_key, tier, t, series) DO UPDATE SET avg = excluded.avg, max = excluded.max, n = excluded.n`,
    ),
    trim: db.prepare('DELETE FROM metric_points WHERE vm_key = ? AND tier = ? AND t < ?'),
    range: db
      .prepare(
        'SELECT t, series, avg, max FROM metric_points WHERE vm_key = ? AND tier = ? AND t >= ? ORDER BY t',
      )
      .raw(true),
  };
}

interface SeriesRow {
  id: number;
  vm: string;
  name: string;
}

/** A row of the range query, as an array (better-sqlite3's raw mode: no object per row). */
type PointRow = [t: number, series: number, avg: number, max: number | null];

function seriesKey(vm: string, name: string): string {
  return `${vm}\0${name}`;
}

/** Exact names, or `prefix*` for every series that starts so; everything when none is given. */
function nameFilter(wanted: readonly string[] | undefined): (name: string) => boolean {
  if (wanted === undefined || wanted.length === 0) return () => true;
  const exact = new Set(wanted.filter((w) => !w.endsWith('*')));
  const prefixes = wanted.filter((w) => w.endsWith('*')).map((w) => w.slice(0, -1));
  return (name) => exact.has(name) || prefixes.some((prefix) => name.startsWith(prefix));
}

function pointsOf(series: Record<string, Point[]>, name: string): Point[] {
  let points = series[name];
  if (points === undefined) {
    points = [];
    series[name] = points;
  }
  return points;
}

/** Appends a point, after a `null` one step past the previous point when more than a step and a half is missing. */
function appendPoint(points: Point[], t: number, value: number, step: number): void {
  const last = points[points.length - 1];
  if (last !== undefined && t - last[0] > step * 1.5) points.push([last[0] + step, null]);
  points.push([t, value]);
}
