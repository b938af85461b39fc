/**
 * One QMP query of the info panel, cached under `queryKeys.info(vm, query)`
 * and checked with its validator. It is fetched once and refetched only when
 * an event says its answer changed (see live/info-refresh.ts), never polled.
 */
import { useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import { queryKeys } from '../../api/queryKeys.ts';
import { RequestError } from '../../api/request-error.ts';
import { executeQmp } from '../../api/vms.ts';

export function useQmpQuery<T extends z.ZodType>(
  vmId: string,
  query: string,
  shape: T,
  enabled: boolean,
  args?: Record<string, unknown>,
) {
  return useQuery<z.infer<T>, RequestError>({
    queryKey: args ? [...queryKeys.info(vmId, query), args] : queryKeys.info(vmId, query),
    queryFn: async () => {
      const parsed = shape.safeParse((await executeQmp(vmId, query, args)).return);
      if (!parsed.success) {
        throw new RequestError({ class: 'BadResponse', desc: `${query} answered in an unexpected shape` });
      }
      return parsed.data;
    },
    enabled,
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
}
