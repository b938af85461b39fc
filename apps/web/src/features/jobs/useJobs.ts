/** The task log of one VM, or of every VM the person may see (`null`); kept live by `job` messages. */
import type { Job } from '@qmpdeck/protocol';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { fetchJobs } from '../../api/jobs.ts';
import { queryKeys } from '../../api/queryKeys.ts';
import { mergeFetchedJobs } from '../../live/job-cache.ts';

export function useJobs(vm: string | null) {
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: queryKeys.jobs(vm),
    queryFn: async () =>
      mergeFetchedJobs(await fetchJobs(vm), queryClient.getQueryData<Job[]>(queryKeys.jobs(vm))),
  });
}
