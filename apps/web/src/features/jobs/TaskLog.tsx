/** The task log: running jobs first (newest first), then finished ones with their outcome and duration. */
import type { Job } from '@qmpdeck/protocol';
import { JobRow } from './JobRow.tsx';
import { useJobs } from './useJobs.ts';

const isRunning = (job: Job) => job.status === 'running' || job.status === 'paused';

export function TaskLog({ vm }: { vm: string | null }) {
  const { data, error, isPending } = useJobs(vm);
  if (isPending) return <p className="p-3 text-sm text-zinc-500">Loading tasks…</p>;
  if (error) return <p className="p-3 text-sm text-red-700">Cannot show the tasks: {error.message}</p>;
  const jobs = [...data].sort(
    (a, b) => Number(isRunning(b)) - Number(isRunning(a)) || b.startedAt - a.startedAt,
  );
  if (jobs.length === 0) return <p className="p-3 text-sm text-zinc-500">No tasks yet.</p>;
  return (
    <ul aria-label="Task log" className="flex flex-col">
      {jobs.map((job) => (
        <JobRow key={job.id} job={job} showVm={vm === null} />
      ))}
    </ul>
  );
}

/** How many jobs run now, for a badge. */
export function useRunningCount(): number {
  const { data } = useJobs(null);
  return data?.filter(isRunning).length ?? 0;
}
