/**
 * The jobs this tab knows of: fetched once (and again after a reconnect), then kept current by `job` messages
 * (live/cache-writer.ts). `useJob` follows one job, as a clone dialog or a download form shows it.
 */
import type { Job } from '@qmpdeck/protocol';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { fetchJobs } from '../../api/jobs.ts';
import { queryKeys } from '../../api/queryKeys.ts';
import { mergeJobs } from '../../live/job-list.ts';

/** Enough for the indicator and a short log; issue 16's task log pages further back. */
const FETCHED = 50;

export function useJobs() {
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: queryKeys.jobs(),
    queryFn: async () =>
      mergeJobs(await fetchJobs({ limit: FETCHED }), queryClient.getQueryData<Job[]>(queryKeys.jobs())),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** One job by id (null: none), as the list holds it; undefined until it is known. */
export function useJob(id: string | null): Job | undefined {
  const { data } = useJobs();
  return id === null ? undefined : data?.find((job) => job.id === id);
}
