/**
 * A `job` message into the task logs held in the cache (all VMs' and its VM's): the job replaced in place, or
 * put first when new. A job that ended changes what its VM has: its backups and snapshots are asked again. A task
 * log fetched meanwhile does not take an ended job back to running (`mergeFetchedJobs`).
 */
import type { Job } from '@qmpdeck/protocol';
import type { QueryClient } from '@tanstack/react-query';
import { queryKeys } from '../api/queryKeys.ts';
import { isEnded } from '../features/jobs/job-progress.ts';

export function upsertJob(list: readonly Job[] | undefined, job: Job): Job[] | undefined {
  if (!list) return undefined;
  const index = list.findIndex((item) => item.id === job.id);
  if (index === -1) return [job, ...list];
  const next = [...list];
  next[index] = job;
  return next;
}

/**
 * A fetched task log, with what `job` messages wrote while it was on its way: the bridge may have answered while a
 * job still ran and its last message (done, failed, cancelled) come first, and no message about it comes again, so
 * a job the cache holds as ended stays ended. Everything else is the fetched list.
 */
export function mergeFetchedJobs(fetched: Job[], cached: readonly Job[] | undefined): Job[] {
  if (!cached) return fetched;
  const endedById = new Map(cached.filter(isEnded).map((job) => [job.id, job]));
  return fetched.map((job) => (isEnded(job) ? job : (endedById.get(job.id) ?? job)));
}

export function writeJob(queryClient: QueryClient, job: Job): void {
  queryClient.setQueryData<Job[]>(queryKeys.jobs(null), (list) => upsertJob(list, job));
  if (job.vm === null) return;
  queryClient.setQueryData<Job[]>(queryKeys.jobs(job.vm), (list) => upsertJob(list, job));
  if (isEnded(job)) {
    queryClient.invalidateQueries({ queryKey: queryKeys.backups(job.vm) });
    queryClient.invalidateQueries({ queryKey: queryKeys.snapshots(job.vm) });
  }
}
