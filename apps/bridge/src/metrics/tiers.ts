/**
 * The history's resolutions, like Proxmox's RRD: every sample for the last hour, then averages and maxima per
 * minute for a day, per 30 minutes for a month and per day (UTC) for a year. Each coarser tier is made from the
 * one below it, so an average over a day is the average of every sample in it (weighted by how many each row
 * stands for), and a maximum is the largest sample. Which tier each range of `GET /api/vms/:id/metrics` reads, and
 * its step, follow from here; `week` reads the 30-minute tier (the 1-minute one only reaches back a day).
 */
import type { MetricsRange } from '@qmpdeck/protocol';

export interface Tier {
  /** Stored as this number. */
  id: 0 | 1 | 2 | 3;
  /** Seconds per row; the raw tier's step is the sampling interval. */
  step: number;
  /** Seconds of history kept. */
  keep: number;
}

export const MINUTE_TIER: Tier = { id: 1, step: 60, keep: 86_400 };
export const HALF_HOUR_TIER: Tier = { id: 2, step: 1800, keep: 31 * 86_400 };
export const DAY_TIER: Tier = { id: 3, step: 86_400, keep: 366 * 86_400 };
/** Each consolidated tier with the one it is made from. */
export const CONSOLIDATED: readonly { tier: Tier; from: Tier['id'] }[] = [
  { tier: MINUTE_TIER, from: 0 },
  { tier: HALF_HOUR_TIER, from: 1 },
  { tier: DAY_TIER, from: 2 },
];

export function rawTier(intervalSeconds: number): Tier {
  return { id: 0, step: intervalSeconds, keep: 3600 };
}

export function tierOf(range: MetricsRange, intervalSeconds: number): Tier {
  switch (range) {
    case 'hour':
      return rawTier(intervalSeconds);
    case 'day':
      return MINUTE_TIER;
    case 'week':
    case 'month':
      return HALF_HOUR_TIER;
    case 'year':
      return DAY_TIER;
  }
}

/** The start of the row of `tier` that holds time `t` (unix seconds). */
export function bucketOf(t: number, step: number): number {
  return t - (t % step);
}
