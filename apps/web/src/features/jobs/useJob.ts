/** One job by id (null: none), as the task log of every VM holds it; undefined until it is known there. */
import type { Job } from '@qmpdeck/protocol';
import { useJobs } from './useJobs.ts';

export function useJob(id: string | null): Job | undefined {
  const { data } = useJobs(null);
  return id === null ? undefined : data?.find((job) => job.id === id);
}
