/**
 * A `job` message into the task logs held in the cache (all VMs' and its VM's): the job replaced in place, or
 * put first when new. A job that ended changes what its VM has: its backups and snapshots are asked again.
 */
import type { Job } from '@qmpdeck/protocol';
import type { QueryClient } from '@tanstack/react-query';
import { queryKeys } from '../api/queryKeys.ts';

export function upsertJob(list: readonly Job[] | undefined, job: Job): Job[] | undefined {
  if (!list) return undefined;
  const index = list.findIndex((item) => item.id === job.id);
  if (index === -1) return [job, ...list];
  const next = [...list];
  next[index] = job;
  return next;
}

export function writeJob(queryClient: QueryClient, job: Job): void {
  queryClient.setQueryData<Job[]>(queryKeys.jobs(null), (list) => upsertJob(list, job));
  if (job.vm === null) return;
  queryClient.setQueryData<Job[]>(queryKeys.jobs(job.vm), (list) => upsertJob(list, job));
  if (job.status !== 'running' && job.status !== 'paused') {
    queryClient.invalidateQueries({ queryKey: queryKeys.backups(job.vm) });
    queryClient.invalidateQueries({ queryKey: queryKeys.snapshots(job.vm) });
  }
}
