/** The commands running on a VM: loaded once over HTTP, then replaced by each `inflight` message. */
import type { InflightCommand } from '@qmpdeck/protocol';
import { useQuery } from '@tanstack/react-query';
import { fetchInflightCommands } from '../../api/inflight-commands.ts';
import { queryKeys } from '../../api/queryKeys.ts';
import type { RequestError } from '../../api/request-error.ts';

export function useInflightCommands(vmId: string) {
  return useQuery<InflightCommand[], RequestError>({
    queryKey: queryKeys.inflight(vmId),
    queryFn: () => fetchInflightCommands(vmId),
    staleTime: Number.POSITIVE_INFINITY,
  });
}
