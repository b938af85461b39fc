/** Words and numbers of the task log: sizes, rates, time left, durations, a progress fraction. */
import type { Job } from '@qmpdeck/protocol';

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 10 || unit === 0 ? Math.round(value) : value.toFixed(1)} ${UNITS[unit]}`;
}

export function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** 0..1, or null when the job gives no progress. */
export function progressFraction(job: Job): number | null {
  if (!job.progress || job.progress.total <= 0) return null;
  return Math.min(1, job.progress.current / job.progress.total);
}

/** Bytes for transfers, backups, dumps; QEMU's own units (shown as a percentage only) for snapshots. */
export function inBytes(job: Job): boolean {
  return !job.kind.startsWith('snapshot-');
}

export function jobDuration(job: Job, now: number): number {
  return ((job.endedAt ?? now) - job.startedAt) / 1000;
}

export const STATUS_WORDS: Record<Job['status'], string> = {
  running: 'Running',
  paused: 'Paused',
  done: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
};
