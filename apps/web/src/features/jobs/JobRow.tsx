/**
 * One job of the task log: what it is, for which VM, who started it, its progress bar with rate and time left
 * while it runs, its outcome and duration once it ended, and the controls QEMU allows now (`can`), each asking
 * `job.control` of the person's role first.
 */
import type { Job } from '@qmpdeck/protocol';
import { useMutation } from '@tanstack/react-query';
import { Link } from 'wouter';
import { controlJob, type JobVerb } from '../../api/jobs.ts';
import { Button } from '../../ui/Button.tsx';
import { usePermission } from '../session/usePermission.ts';
import {
  formatBytes,
  formatSeconds,
  inBytes,
  jobDuration,
  progressFraction,
  STATUS_WORDS,
} from './job-format.ts';

const VERBS: { verb: JobVerb; label: string; can: keyof NonNullable<Job['can']> }[] = [
  { verb: 'pause', label: 'Pause', can: 'pause' },
  { verb: 'resume', label: 'Resume', can: 'resume' },
  { verb: 'cancel', label: 'Cancel', can: 'cancel' },
  { verb: 'dismiss', label: 'Dismiss', can: 'dismiss' },
];

const STATUS_TONE: Record<Job['status'], string> = {
  running: 'text-sky-700 dark:text-sky-300',
  paused: 'text-amber-700 dark:text-amber-300',
  done: 'text-emerald-700 dark:text-emerald-300',
  failed: 'text-red-700 dark:text-red-300',
  cancelled: 'text-zinc-600 dark:text-zinc-400',
};

function ProgressBar({ job }: { job: Job }) {
  const fraction = progressFraction(job);
  if (fraction === null) return null;
  const percent = Math.round(fraction * 100);
  return (
    <div className="flex items-center gap-2">
      <div
        role="progressbar"
        aria-label={`Progress of ${job.description || job.kind}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        className="h-2 w-48 overflow-hidden rounded bg-zinc-200 dark:bg-zinc-800"
      >
        <div
          className="h-full bg-sky-600 transition-[width] duration-200"
          style={{ width: `${fraction * 100}%` }}
        />
      </div>
      <span className="text-xs tabular-nums">{percent}%</span>
    </div>
  );
}

function Figures({ job }: { job: Job }) {
  const running = job.status === 'running' || job.status === 'paused';
  const parts: string[] = [];
  if (job.progress && inBytes(job)) {
    parts.push(`${formatBytes(job.progress.current)} of ${formatBytes(job.progress.total)}`);
  }
  if (running && job.rate && inBytes(job)) parts.push(`${formatBytes(job.rate)}/s`);
  if (running && job.timeLeft !== null && job.timeLeft !== undefined)
    parts.push(`${formatSeconds(job.timeLeft)} left`);
  if (!running) parts.push(`took ${formatSeconds(jobDuration(job, Date.now()))}`);
  return <span className="text-xs text-zinc-600 dark:text-zinc-400">{parts.join(' · ')}</span>;
}

export function JobRow({ job, showVm }: { job: Job; showVm: boolean }) {
  const can = usePermission();
  const permission = can('job.control');
  const control = useMutation({ mutationFn: (verb: JobVerb) => controlJob(job.id, verb) });
  return (
    <li
      className="flex flex-col gap-1 border-b border-zinc-200 px-3 py-2 dark:border-zinc-800"
      data-testid="job-row"
      data-job={job.id}
    >
      <div className="flex flex-wrap items-baseline gap-x-3">
        <span className={`text-sm font-medium ${STATUS_TONE[job.status]}`} data-testid="job-status">
          {STATUS_WORDS[job.status]}
        </span>
        <span className="text-sm">{job.description || job.kind}</span>
        {showVm && job.vm ? (
          <Link
            href={`/vms/${encodeURIComponent(job.vm)}/tasks`}
            className="text-xs text-sky-700 underline dark:text-sky-400"
          >
            {job.vm}
          </Link>
        ) : null}
        <span className="text-xs text-zinc-500">
          {job.user ? `by ${job.user}` : 'by nobody signed in'}
          {job.command ? ` (${job.command})` : ''} · {new Date(job.startedAt).toLocaleString()}
        </span>
      </div>
      <div className="flex flex-wrap items-center gap-3">
        {(job.status === 'running' || job.status === 'paused') && <ProgressBar job={job} />}
        <Figures job={job} />
        {job.error && job.status !== 'done' ? (
          <span className="text-xs text-red-700 dark:text-red-300">{job.error}</span>
        ) : null}
        <span className="flex gap-1">
          {VERBS.filter(({ can: allowed }) => job.can?.[allowed]).map(({ verb, label }) => (
            <Button
              key={verb}
              size="small"
              deniedReason={permission.reason}
              disabled={control.isPending}
              onClick={() => control.mutate(verb)}
            >
              {label}
            </Button>
          ))}
        </span>
        {control.error ? <span className="text-xs text-red-700">{control.error.message}</span> : null}
      </div>
    </li>
  );
}
