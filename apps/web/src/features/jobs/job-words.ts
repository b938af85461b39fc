/** A job in one line of words: what it is, how far it got, how fast, how long still; and how it ended. */
import type { Job } from '@qmpdeck/protocol';
import { formatBytes } from '../../ui/bytes.ts';
import { formatSeconds } from './job-format.ts';
import { jobPercent } from './job-progress.ts';

/** Kinds whose units are bytes (transfers, copies, backups); others are shown as bare numbers. */
const BYTE_KINDS = new Set(['upload', 'download', 'clone', 'backup', 'restore']);

export function jobTitle(job: Job): string {
  return job.description ?? `${job.kind}${job.vm ? ` of ${job.vm}` : ''}`;
}

function amount(job: Job, value: number): string {
  return BYTE_KINDS.has(job.kind) ? formatBytes(value) : String(value);
}

/** "45% · 90 MiB of 200 MiB · 50 MiB/s · 2 s left", "done", "failed: 404 Not Found". */
export function jobProgressText(job: Job): string {
  if (job.status === 'done') return 'done';
  if (job.status === 'cancelled') return 'cancelled';
  if (job.status === 'failed') return `failed${job.error ? `: ${job.error}` : ''}`;
  const parts: string[] = [];
  const percent = jobPercent(job);
  if (percent !== null) parts.push(`${Math.floor(percent)}%`);
  if (job.progress) {
    parts.push(
      job.progress.total > 0
        ? `${amount(job, job.progress.current)} of ${amount(job, job.progress.total)}`
        : amount(job, job.progress.current),
    );
  }
  if (job.rate) parts.push(`${amount(job, job.rate)}/s`);
  if (job.timeLeft !== null && job.timeLeft !== undefined) parts.push(`${formatSeconds(job.timeLeft)} left`);
  if (job.status === 'paused') parts.push('paused');
  return parts.length > 0 ? parts.join(' · ') : 'starting…';
}
