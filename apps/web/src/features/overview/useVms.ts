/**
 * The VM list and one VM: fetched once, then kept current by `vm` messages over the socket (which carry each
 * VM's latest event too, so the overview subscribes to no VM's event stream).
 */
import type { Vm } from '@qmpdeck/protocol';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { queryKeys } from '../../api/queryKeys.ts';
import { fetchVm, fetchVms } from '../../api/vms.ts';

export function useVms() {
  return useQuery({ queryKey: queryKeys.vms(), queryFn: fetchVms, staleTime: Number.POSITIVE_INFINITY });
}

export function useVm(id: string) {
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: queryKeys.vm(id),
    queryFn: () => fetchVm(id),
    staleTime: Number.POSITIVE_INFINITY,
    initialData: () => queryClient.getQueryData<Vm[]>(queryKeys.vms())?.find((vm) => vm.id === id),
  });
}
