/** The commands running on a VM: loaded once over HTTP, then replaced by each `inflight` message. */
import type { InflightCommand } from '@qmpdeck/protocol';
import { useQuery } from '@tanstack/react-query';
import type { ApiError } from '../../api/api-error.ts';
import { fetchInflight } from '../../api/inflight.ts';
import { queryKeys } from '../../api/queryKeys.ts';

export function useInflight(vmId: string) {
  return useQuery<InflightCommand[], ApiError>({
    queryKey: queryKeys.inflight(vmId),
    queryFn: () => fetchInflight(vmId),
    staleTime: Number.POSITIVE_INFINITY,
  });
}
