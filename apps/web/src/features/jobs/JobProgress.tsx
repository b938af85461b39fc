/**
 * One job as a line: what it is, a progress bar, and how far, how fast, how long still (or how it ended), with
 * Cancel while the bridge says it can be.
 * Used wherever a job shows: the jobs indicator, the clone dialog, the storage page's downloads, and (issue 16)
 * the task log.
 */
import type { Job } from '@qmpdeck/protocol';
import { ProgressBar } from '../../ui/ProgressBar.tsx';
import { CancelJobButton } from './CancelJobButton.tsx';
import { jobPercent } from './job-progress.ts';
import { jobProgressText, jobTitle } from './job-words.ts';

const TONE = {
  running: 'active',
  paused: 'active',
  done: 'done',
  failed: 'failed',
  cancelled: 'failed',
} as const;

export function JobProgress({ job, title = jobTitle(job) }: { job: Job; title?: string }) {
  const text = jobProgressText(job);
  return (
    <div className="flex min-w-0 flex-col gap-1" data-testid="job-progress" data-job-status={job.status}>
      <div className="flex min-w-0 items-baseline justify-between gap-3 text-sm">
        <span className="min-w-0 truncate" title={title}>
          {title}
        </span>
        <span
          className={`shrink-0 text-xs tabular-nums ${job.status === 'failed' ? 'text-red-700 dark:text-red-400' : 'text-zinc-600 dark:text-zinc-400'}`}
        >
          {text}
        </span>
      </div>
      <div className="flex items-center gap-2">
        <div className="min-w-0 flex-1">
          <ProgressBar percent={jobPercent(job)} label={title} tone={TONE[job.status]} />
        </div>
        <CancelJobButton job={job} />
      </div>
    </div>
  );
}
