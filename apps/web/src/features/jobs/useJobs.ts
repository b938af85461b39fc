/** The task log of one VM, or of every VM the person may see (`null`); kept live by `job` messages. */
import { useQuery } from '@tanstack/react-query';
import { fetchJobs } from '../../api/jobs.ts';
import { queryKeys } from '../../api/queryKeys.ts';

export function useJobs(vm: string | null) {
  return useQuery({ queryKey: queryKeys.jobs(vm), queryFn: () => fetchJobs(vm) });
}
