/** How far jobs got, as a percentage for a progress bar, and whether they still run. */
import type { Job } from '@qmpdeck/protocol';

const ENDED = new Set<Job['status']>(['done', 'failed', 'cancelled']);

export const isEnded = (job: Job) => ENDED.has(job.status);
export const isActive = (job: Job) => !isEnded(job);

/** 0-100, or null when the job gives no progress (or no total yet). */
export function jobPercent(job: Job): number | null {
  if (job.status === 'done') return 100;
  const progress = job.progress;
  if (!progress || progress.total <= 0) return null;
  return (100 * progress.current) / progress.total;
}

/** The sum of several jobs' progress, for one bar: null when none of them has a total. */
export function combinedPercent(jobs: readonly Job[]): number | null {
  let current = 0;
  let total = 0;
  for (const job of jobs) {
    if (!job.progress || job.progress.total <= 0) continue;
    current += job.progress.current;
    total += job.progress.total;
  }
  return total > 0 ? (100 * current) / total : null;
}
