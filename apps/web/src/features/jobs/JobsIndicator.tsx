/**
 * The header's compact view of running jobs (transfers, clones): how many and how far together, opening to
 * each one's progress. Hidden while nothing runs. Issue 16's task log links from here.
 */
import { useId, useState } from 'react';
import { ProgressBar } from '../../ui/ProgressBar.tsx';
import { JobProgress } from './JobProgress.tsx';
import { combinedPercent, isActive } from './job-progress.ts';
import { useJobs } from './useJobs.ts';

export function JobsIndicator() {
  const { data } = useJobs(null);
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const active = (data ?? []).filter(isActive);
  if (active.length === 0) return null;
  const percent = combinedPercent(active);
  const label = active.length === 1 ? '1 job running' : `${active.length} jobs running`;
  return (
    <div className="relative">
      <button
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((value) => !value)}
        className="flex items-center gap-2 rounded-md px-2 py-1 text-sm hover:bg-zinc-100 dark:hover:bg-zinc-800"
        data-testid="jobs-indicator"
      >
        <span className="whitespace-nowrap">{label}</span>
        <span className="hidden w-16 sm:block">
          <ProgressBar percent={percent} label={label} />
        </span>
      </button>
      {open && (
        <section
          id={panelId}
          aria-label="Running jobs"
          className="absolute right-0 z-20 mt-1 flex w-[min(24rem,calc(100vw-1rem))] flex-col gap-3 rounded-lg border border-zinc-200 bg-white p-3 shadow-lg dark:border-zinc-800 dark:bg-zinc-900"
        >
          {active.map((job) => (
            <JobProgress key={job.id} job={job} />
          ))}
        </section>
      )}
    </div>
  );
}
