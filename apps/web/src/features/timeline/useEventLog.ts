/**
 * A VM's timeline data: the newest page of history from the bridge, then live
 * events over the socket from exactly where that page ends (`after`), and
 * older pages on demand. Everything lives in the query cache under
 * `queryKeys.events(vm)`; the socket writes live events there too.
 */
import type { EventRecord } from '@qmpdeck/protocol';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { fetchEventPage } from '../../api/events.ts';
import { queryKeys } from '../../api/queryKeys.ts';
import { type RequestError, toRequestError } from '../../api/request-error.ts';
import { type EventLog, emptyEventLog, firstSeq, lastSeq, mergeEvents } from '../../live/event-log.ts';
import { useLiveSocket } from '../../live/LiveProvider.tsx';

export const HISTORY_PAGE = 200;
/** Older history comes in bigger pages: the person is scrolling back through it. */
export const OLDER_PAGE = 1000;

/**
 * Every stored event with `after < seq < before`, oldest first. The bridge may
 * answer with fewer than asked (it caps page sizes); then the rest is asked for
 * too, so the range never comes back with a hole in it.
 */
export async function fetchRange(
  vm: string,
  after: number,
  before: number,
  fetchPage: typeof fetchEventPage = fetchEventPage,
): Promise<EventRecord[]> {
  const events: EventRecord[] = [];
  let from = after;
  while (from < before - 1) {
    const page = await fetchPage(vm, from, before - 1 - from);
    const inRange = page.events.filter((event) => event.seq < before);
    events.push(...inRange);
    const last = inRange.at(-1)?.seq;
    if (last === undefined || inRange.length < page.events.length) break;
    from = last;
  }
  return events;
}

/** The newest page; kept as is when the cache already holds events (a refetch must not open a gap). */
async function loadNewest(read: () => EventLog | undefined, vm: string): Promise<EventLog> {
  const current = read();
  if (current && current.events.length > 0) return current;
  const probe = await fetchEventPage(vm, 0, 1);
  const after = Math.max(0, probe.lastSeq - HISTORY_PAGE);
  const events = probe.lastSeq <= 1 ? probe.events : await fetchRange(vm, after, probe.lastSeq + 1);
  return mergeEvents(read(), events, after > 0);
}

export function useEventLog(vm: string) {
  const queryClient = useQueryClient();
  const socket = useLiveSocket();
  const key = queryKeys.events(vm);
  const read = useCallback(() => queryClient.getQueryData<EventLog>(queryKeys.events(vm)), [queryClient, vm]);
  const query = useQuery<EventLog, RequestError>({
    queryKey: key,
    queryFn: async () => {
      try {
        return await loadNewest(read, vm);
      } catch (error) {
        throw toRequestError(error);
      }
    },
    staleTime: Number.POSITIVE_INFINITY,
    refetchOnWindowFocus: false,
    retry: 1,
  });

  // Live events start where the history ends. Without history (the bridge failed to give it),
  // the timeline still goes live from now on.
  const settled = query.isSuccess || query.isError;
  const hadHistory = useRef(false);
  hadHistory.current = query.isSuccess;
  useEffect(() => {
    if (!settled) return;
    const end = lastSeq(read());
    return socket.subscribe(vm, end ?? (hadHistory.current ? 0 : undefined));
  }, [settled, socket, vm, read]);

  const [olderError, setOlderError] = useState<RequestError | null>(null);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const busy = useRef(false);
  const loadOlder = useCallback(async () => {
    const log = read();
    const first = firstSeq(log);
    if (busy.current || !log?.hasOlder || first === null) return;
    busy.current = true;
    setLoadingOlder(true);
    try {
      const after = Math.max(0, first - 1 - OLDER_PAGE);
      const older = await fetchRange(vm, after, first);
      queryClient.setQueryData<EventLog>(queryKeys.events(vm), (current) =>
        mergeEvents(current, older, after > 0 && older.length > 0),
      );
      setOlderError(null);
    } catch (error) {
      setOlderError(toRequestError(error));
    } finally {
      busy.current = false;
      setLoadingOlder(false);
    }
  }, [queryClient, read, vm]);

  /** Every stored event (for an export of "what is shown" that means all of it, not the loaded window). */
  const loadAll = useCallback(async (): Promise<readonly EventRecord[] | null> => {
    const log = read();
    const first = firstSeq(log);
    if (!log?.hasOlder || first === null) return log?.events ?? [];
    setLoadingOlder(true);
    try {
      const older = await fetchRange(vm, 0, first);
      const merged = mergeEvents(read(), older, false);
      queryClient.setQueryData<EventLog>(queryKeys.events(vm), merged);
      setOlderError(null);
      return merged.events;
    } catch (error) {
      setOlderError(toRequestError(error));
      return null;
    } finally {
      setLoadingOlder(false);
    }
  }, [queryClient, read, vm]);

  return {
    log: query.data ?? read() ?? emptyEventLog,
    loadAll,
    isLoading: query.isPending,
    error: query.error,
    loadOlder,
    loadingOlder,
    olderError,
  };
}
