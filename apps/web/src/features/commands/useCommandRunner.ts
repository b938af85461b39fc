/**
 * Sends a command through the page's one execute path and records it, with its
 * outcome, in the VM's command history: in the query cache (shared by the
 * Commands tab and the console) and in this browser's storage, so a reload
 * keeps it.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { queryKeys } from '../../api/queryKeys.ts';
import { toRequestError } from '../../api/request-error.ts';
import { useExecute } from '../../live/useExecute.ts';
import { addToHistory, type HistoryEntry, settleHistory } from './command-history.ts';
import { loadHistory, saveHistory } from './stored-history.ts';

let nextEntry = 1;
const newEntryId = () => `${Date.now().toString(36)}-${nextEntry++}`;

export function useCommandHistory(vmId: string): readonly HistoryEntry[] {
  const { data } = useQuery<HistoryEntry[]>({
    queryKey: queryKeys.commandHistory(vmId),
    queryFn: () => loadHistory(vmId),
    enabled: false,
    initialData: () => loadHistory(vmId),
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: Number.POSITIVE_INFINITY,
  });
  return data;
}

export function useCommandRunner(vmId: string, origin: string) {
  const queryClient = useQueryClient();
  const execute = useExecute();
  return useCallback(
    async (request: HistoryEntry['request']) => {
      const id = newEntryId();
      const key = queryKeys.commandHistory(vmId);
      const update = (fn: (history: HistoryEntry[]) => HistoryEntry[]) => {
        const next = queryClient.setQueryData<HistoryEntry[]>(key, (history) =>
          fn(history ?? loadHistory(vmId)),
        );
        if (next) saveHistory(vmId, next);
      };
      update((history) =>
        addToHistory(history, { id, vm: vmId, request, sentAt: Date.now(), outcome: { state: 'pending' } }),
      );
      try {
        const value = await execute({ vm: vmId, ...request, origin });
        update((history) => settleHistory(history, id, { state: 'ok', value }));
      } catch (error) {
        const problem = toRequestError(error);
        update((history) =>
          settleHistory(history, id, { state: 'error', class: problem.class, desc: problem.desc }),
        );
      }
    },
    [queryClient, execute, vmId, origin],
  );
}
