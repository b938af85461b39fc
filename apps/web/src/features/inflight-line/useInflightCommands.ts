/** The commands running on a VM: loaded over HTTP, then replaced by each `inflight` message (live/inflight-cache). */
import type { InflightCommand } from '@qmpdeck/protocol';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { queryKeys } from '../../api/queryKeys.ts';
import type { RequestError } from '../../api/request-error.ts';
import { fetchInflightKeepingLive } from '../../live/inflight-cache.ts';

export function useInflightCommands(vmId: string) {
  const queryClient = useQueryClient();
  return useQuery<InflightCommand[], RequestError>({
    queryKey: queryKeys.inflight(vmId),
    queryFn: () => fetchInflightKeepingLive(queryClient, vmId),
    staleTime: Number.POSITIVE_INFINITY,
  });
}
