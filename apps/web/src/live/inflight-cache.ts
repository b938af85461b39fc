/**
 * A VM's in-flight commands in the cache: each `inflight` message replaces the list, and the HTTP list is asked
 * when the page first needs it and again each time the VM's subscription is confirmed, after a reconnect too (a
 * command that began before that sent its message to nobody here). An answer that was on its way while a message came does not
 * overwrite it: the message is at least as new, and every later change comes as another message.
 */
import type { InflightCommand } from '@qmpdeck/protocol';
import type { QueryClient } from '@tanstack/react-query';
import { fetchInflightCommands } from '../api/inflight-commands.ts';
import { queryKeys } from '../api/queryKeys.ts';

export async function fetchInflightKeepingLive(
  queryClient: QueryClient,
  vm: string,
  fetchList: (vm: string) => Promise<InflightCommand[]> = fetchInflightCommands,
): Promise<InflightCommand[]> {
  const key = queryKeys.inflight(vm);
  const before = queryClient.getQueryState(key)?.dataUpdatedAt ?? 0;
  const fetched = await fetchList(vm);
  const now = queryClient.getQueryState<InflightCommand[]>(key);
  return now?.data !== undefined && now.dataUpdatedAt !== before ? now.data : fetched;
}

export function writeInflight(queryClient: QueryClient, vm: string, commands: InflightCommand[]): void {
  queryClient.setQueryData<InflightCommand[]>(queryKeys.inflight(vm), commands);
}

/** The VM's subscription is live from now on: the list is asked again so nothing begun before it is missed. */
export function refetchInflightOnSubscribed(queryClient: QueryClient, vm: string): void {
  queryClient.invalidateQueries({ queryKey: queryKeys.inflight(vm), exact: true });
}
