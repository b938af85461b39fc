/**
 * Consolidation with synthetic samples: averages and maxima per minute, 30 minutes and day, across the boundaries
 * of each, after a restart, with gaps, and the age limits that keep the file from growing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MetricsHistory } from './metrics-history.ts';

/** A day boundary (UTC midnight), so minutes, half hours and days line up in the examples. */
const T0 = 1_800_000_000 - (1_800_000_000 % 86_400);
const INTERVAL = 5;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qmpdeck-history-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function open(path = join(dir, 'metrics.db'), now = T0): MetricsHistory {
  return new MetricsHistory(path, INTERVAL, () => now * 1000);
}

/** One sample every 5 s from `from` (inclusive) to `to` (exclusive), value `f(t)`. */
function fill(history: MetricsHistory, from: number, to: number, f: (t: number) => number, vm = 'alpha') {
  for (let t = from; t < to; t += INTERVAL) history.record([{ vm, time: t, values: { cpu: f(t) } }]);
}

const values = (points: [number, number | null][] | undefined) => (points ?? []).map(([, v]) => v);

describe('MetricsHistory', () => {
  it('keeps every sample for the hour range, with the sampling interval as step', () => {
    const history = open();
    fill(history, T0, T0 + 60, (t) => t - T0);
    const hour = history.read('alpha', 'hour', T0 + 60);
    expect(hour.step).toBe(INTERVAL);
    expect(hour.max).toBeUndefined();
    expect(hour.series.cpu?.[0]).toEqual([T0, 0]);
    expect(values(hour.series.cpu)).toEqual([0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55]);
    history.close();
  });

  it('averages and takes the maximum of each minute once the minute is over', () => {
    const history = open();
    // Minute 0: 0..55 (mean 27.5, max 55); minute 1: all 100, with one spike of 400.
    fill(history, T0, T0 + 60, (t) => t - T0);
    fill(history, T0 + 60, T0 + 120, (t) => (t === T0 + 90 ? 400 : 100));
    history.record([{ vm: 'alpha', time: T0 + 120, values: { cpu: 1 } }]);
    const day = history.read('alpha', 'day', T0 + 121);
    expect(day.step).toBe(60);
    expect(day.series.cpu?.slice(0, 2)).toEqual([
      [T0, 27.5],
      [T0 + 60, 125],
    ]);
    expect(day.max?.cpu?.slice(0, 2)).toEqual([
      [T0, 55],
      [T0 + 60, 400],
    ]);
    history.close();
  });

  it('makes the 30-minute and daily rows the average of every sample in them, across minute and half-hour boundaries', () => {
    const history = open();
    // 40 minutes: the first half hour at 10 with a spike to 90 at minute 29; then 20.
    fill(history, T0, T0 + 2400, (t) => (t < T0 + 1800 ? (t === T0 + 29 * 60 ? 90 : 10) : 20));
    history.closeIdle(T0 + 2460);
    const week = history.read('alpha', 'week', T0 + 2460);
    expect(week.step).toBe(1800);
    const samplesFirst = 1800 / INTERVAL;
    expect(week.series.cpu?.[0]?.[1]).toBeCloseTo((10 * (samplesFirst - 1) + 90) / samplesFirst, 9);
    expect(week.max?.cpu?.[0]).toEqual([T0, 90]);
    expect(week.series.cpu?.[1]).toEqual([T0 + 1800, 20]);
    const year = history.read('alpha', 'year', T0 + 2460);
    const all = 2400 / INTERVAL;
    // The day's row weighs each half hour by its samples: 360 of the first, 120 of the second.
    expect(year.series.cpu?.[0]?.[1]).toBeCloseTo(
      (10 * (samplesFirst - 1) + 90 + 20 * (all - samplesFirst)) / all,
      9,
    );
    expect(year.max?.cpu?.[0]).toEqual([T0, 90]);
    history.close();
  });

  it('splits days at UTC midnight and keeps each day its own maximum', () => {
    const history = open();
    fill(history, T0 + 86_400 - 120, T0 + 86_400 + 120, (t) => (t < T0 + 86_400 ? 7 : 3));
    history.closeIdle(T0 + 86_400 + 180);
    const year = history.read('alpha', 'year', T0 + 86_400 + 180);
    expect(year.series.cpu).toEqual([
      [T0, 7],
      [T0 + 86_400, 3],
    ]);
    expect(year.max?.cpu).toEqual([
      [T0, 7],
      [T0 + 86_400, 3],
    ]);
    history.close();
  });

  it('goes on after a restart without counting a sample twice', () => {
    const path = join(dir, 'restart.db');
    const first = open(path);
    // Half a minute of 10s, then the bridge stops.
    fill(first, T0, T0 + 30, () => 10);
    first.close();
    const second = open(path, T0 + 30);
    fill(second, T0 + 30, T0 + 60, () => 40);
    fill(second, T0 + 60, T0 + 65, () => 0);
    const day = second.read('alpha', 'day', T0 + 65);
    expect(day.series.cpu?.[0]).toEqual([T0, 25]);
    expect(day.max?.cpu?.[0]).toEqual([T0, 40]);
    second.close();
  });

  it('consolidates, on open, the minute a stopped bridge left open', () => {
    const path = join(dir, 'left-open.db');
    const first = open(path);
    fill(first, T0, T0 + 20, () => 8);
    first.close();
    const second = open(path, T0 + 600);
    expect(second.read('alpha', 'day', T0 + 600).series.cpu).toEqual([[T0, 8]]);
    second.close();
  });

  it('marks a gap with a null point so a chart does not draw across it', () => {
    const history = open();
    fill(history, T0, T0 + 15, () => 1);
    fill(history, T0 + 300, T0 + 310, () => 2);
    expect(history.read('alpha', 'hour', T0 + 310).series.cpu).toEqual([
      [T0, 1],
      [T0 + 5, 1],
      [T0 + 10, 1],
      [T0 + 15, null],
      [T0 + 300, 2],
      [T0 + 305, 2],
    ]);
    history.close();
  });

  it('returns only the series asked for, by name or prefix*', () => {
    const history = open();
    history.record([
      {
        vm: 'alpha',
        time: T0,
        values: { cpu: 1, memory: 2, 'disk.vda.read': 3, 'disk.vda.write': 4, 'net.eth0.rx': 5 },
      },
    ]);
    const read = history.read('alpha', 'hour', T0 + 1, ['cpu', 'disk.*']);
    expect(Object.keys(read.series).sort()).toEqual(['cpu', 'disk.vda.read', 'disk.vda.write']);
    expect(history.read('nobody', 'hour', T0 + 1).series).toEqual({});
    history.close();
  });

  it('keeps each tier to its age: an hour of samples, a day of minutes, a year of days', () => {
    const history = open();
    fill(history, T0, T0 + 7200, () => 1);
    const hour = history.read('alpha', 'hour', T0 + 7200);
    expect(hour.series.cpu?.[0]?.[0]).toBeGreaterThanOrEqual(T0 + 3600 - INTERVAL);
    // The raw rows older than an hour are gone from the file, not only filtered out of the answer.
    const all = history.read('alpha', 'hour', T0 + 3600 + 60);
    expect(all.series.cpu?.[0]?.[0]).toBeGreaterThanOrEqual(T0 + 3600 - 60);
    // Two days later the minutes of the first day are gone, and its day row stays.
    history.record([{ vm: 'alpha', time: T0 + 2 * 86_400, values: { cpu: 3 } }]);
    history.closeIdle(T0 + 2 * 86_400 + 60);
    expect(history.read('alpha', 'day', T0 + 2 * 86_400 + 60).series.cpu).toEqual([[T0 + 2 * 86_400, 3]]);
    expect(history.read('alpha', 'year', T0 + 2 * 86_400 + 60).series.cpu).toEqual([
      [T0, 1],
      [T0 + 86_400, null],
      [T0 + 2 * 86_400, 3],
    ]);
    history.close();
  });
});
