/**
 * One QMP query of the Info tab, sent through the page's one execute path and
 * cached under `queryKeys.info(vm, query)`, typed by the generated QMP types.
 * It is fetched once and refetched when an event says its answer changed (see
 * live/info-refresh.ts), never polled. A failure that passes by itself (QEMU
 * took too long, the link or the bridge was away) is retried with backoff and
 * as soon as QEMU is seen answering again, so a recovered QEMU does not leave a
 * stale error on the page; every error can be retried by hand too. A query the
 * signed-in role may not run is never sent: `denied` says why instead.
 */
import type { ArgsOf, QmpCommandName, ReturnOf } from '@qmpdeck/qmp';
import { backoffDelay } from '@qmpdeck/qmp/backoff';
import { type Query, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { queryKeys } from '../../api/queryKeys.ts';
import type { RequestError } from '../../api/request-error.ts';
import { refetchFailedInfo } from '../../live/info-refresh.ts';
import { useExecute } from '../../live/useExecute.ts';
import { useLiveState } from '../../live/useLiveState.ts';
import { usePermission } from '../session/usePermission.ts';

/** Errors that say "not now" rather than "never": worth asking again without a person's click. */
const PASSING_ERRORS = new Set([
  'Timeout',
  'VmNotConnected',
  'ConnectionClosed',
  'BridgeUnreachable',
  'ShuttingDown',
]);

export function isPassingError(error: RequestError | null): boolean {
  return error !== null && PASSING_ERRORS.has(error.class);
}

export const INFO_RETRY = { minMs: 2_000, maxMs: 30_000 };

function retryInterval<T>(query: Query<T, RequestError, T, readonly unknown[]>): number | false {
  const { status, error, fetchFailureCount } = query.state;
  if (status !== 'error' || !isPassingError(error)) return false;
  return backoffDelay(Math.max(0, fetchFailureCount - 1), INFO_RETRY);
}

export function useQmpQuery<K extends QmpCommandName>(
  vmId: string,
  query: K,
  enabled: boolean,
  args?: ArgsOf<K>,
) {
  const execute = useExecute();
  const queryClient = useQueryClient();
  // Asked once the socket is open: on a page opened straight at the Info tab it is still connecting.
  const socketOpen = useLiveState().status === 'open';
  const denied = usePermission()(query).reason;
  const result = useQuery<ReturnOf<K>, RequestError>({
    queryKey: args ? [...queryKeys.info(vmId, query), args] : queryKeys.info(vmId, query),
    queryFn: async () => {
      const command = { vm: vmId, execute: query, origin: 'Info tab' };
      const answer = await execute(
        args ? { ...command, arguments: args as Record<string, unknown> } : command,
      );
      return answer as ReturnOf<K>;
    },
    enabled: enabled && socketOpen && !denied,
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
    refetchInterval: retryInterval,
  });
  // This query was just answered, so QEMU answers again: the sections still showing an error ask now.
  const answeredAt = result.dataUpdatedAt;
  useEffect(() => {
    if (answeredAt > 0) refetchFailedInfo(queryClient, vmId);
  }, [answeredAt, queryClient, vmId]);
  return Object.assign(result, { denied });
}
