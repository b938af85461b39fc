/** The VM list and one VM: fetched once, then kept current by `vm` messages over the socket. */
import type { Vm } from '@qmpdeck/protocol';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { queryKeys } from '../../api/queryKeys.ts';
import { fetchVm, fetchVms } from '../../api/vms.ts';
import { useLiveSocket } from '../../live/LiveProvider.tsx';

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

/**
 * Keeps every listed VM's events coming while the overview is shown, from the
 * latest one it knows (no history replay), so each row's latest event is live.
 */
export function useLatestEvents(vms: readonly Vm[] | undefined): void {
  const socket = useLiveSocket();
  const ids = vms?.map((vm) => vm.id).join('\n') ?? '';
  // biome-ignore lint/correctness/useExhaustiveDependencies: resubscribe only when the set of VMs changes
  useEffect(() => {
    const list = vms ?? [];
    const stops = list.map((vm) => socket.subscribe(vm.id, vm.latestEvent?.seq ?? socket.lastSeenSeq(vm.id)));
    return () => {
      for (const stop of stops) stop();
    };
  }, [ids, socket]);
}
