/**
 * A VM's timeline data: TanStack Query's infinite query over the bridge's
 * `GET /events?before=&limit=`. It opens at the newest events in one request,
 * pages back on demand (each page ends where the oldest loaded one starts),
 * and goes live over the socket from exactly where that first answer ended
 * (`after` = its `lastSeq`): the socket writes live events into the same cache
 * (see live/cache-writer.ts), batched.
 */
import type { EventRecord } from '@qmpdeck/protocol';
import { useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { fetchEventsBefore, NEWEST } from '../../api/events.ts';
import { queryKeys } from '../../api/queryKeys.ts';
import { type RequestError, toRequestError } from '../../api/request-error.ts';
import {
  type EventPages,
  flattenEvents,
  newestSeq,
  olderPageParam,
  type PageParam,
  type TimelinePage,
  timelinePage,
} from '../../live/event-pages.ts';
import { useLiveSocket } from '../../live/LiveProvider.tsx';

export const HISTORY_PAGE = 200;
/** Older history comes in bigger pages (the bridge's largest): the person is scrolling back through it. */
export const OLDER_PAGE = 1000;

export function useTimelineEvents(vm: string) {
  const queryClient = useQueryClient();
  const socket = useLiveSocket();
  const query = useInfiniteQuery<TimelinePage, RequestError, EventPages, readonly unknown[], PageParam>({
    queryKey: queryKeys.events(vm),
    queryFn: async ({ pageParam }) => {
      try {
        return timelinePage(await fetchEventsBefore(vm, pageParam.before, pageParam.limit), pageParam);
      } catch (error) {
        throw toRequestError(error);
      }
    },
    initialPageParam: { before: NEWEST, limit: HISTORY_PAGE },
    getPreviousPageParam: (first) => olderPageParam(first, OLDER_PAGE),
    // Newer events come over the socket, never as pages.
    getNextPageParam: () => undefined,
    staleTime: Number.POSITIVE_INFINITY,
    refetchOnWindowFocus: false,
    retry: 1,
  });

  // Live events start where the history ends. Without history (the bridge failed to give it), the timeline
  // still goes live from now on.
  const settled = query.isSuccess || query.isError;
  useEffect(() => {
    if (!settled) return;
    const data = queryClient.getQueryData<EventPages>(queryKeys.events(vm));
    return socket.subscribe(vm, newestSeq(data) ?? undefined);
  }, [settled, socket, vm, queryClient]);

  const { fetchPreviousPage, hasPreviousPage, isFetchingPreviousPage } = query;
  const loadOlder = useCallback(async () => {
    if (hasPreviousPage && !isFetchingPreviousPage) await fetchPreviousPage({ cancelRefetch: false });
  }, [fetchPreviousPage, hasPreviousPage, isFetchingPreviousPage]);

  /** Every stored event (for an export of "what is shown" that means all of it, not the loaded window). */
  const [loadingAll, setLoadingAll] = useState(false);
  const loading = useRef(false);
  const loadAll = useCallback(async (): Promise<readonly EventRecord[] | null> => {
    if (loading.current) return null;
    loading.current = true;
    setLoadingAll(true);
    try {
      let more = hasPreviousPage;
      while (more) {
        const result = await fetchPreviousPage({ cancelRefetch: false });
        if (result.isFetchPreviousPageError) return null;
        more = result.hasPreviousPage;
      }
      return flattenEvents(queryClient.getQueryData<EventPages>(queryKeys.events(vm)));
    } finally {
      loading.current = false;
      setLoadingAll(false);
    }
  }, [fetchPreviousPage, hasPreviousPage, queryClient, vm]);

  const olderError = query.isFetchPreviousPageError ? query.error : null;
  return {
    events: flattenEvents(query.data),
    hasOlder: hasPreviousPage,
    isLoading: query.isPending,
    error: query.isError && !olderError ? query.error : null,
    loadOlder,
    loadingOlder: isFetchingPreviousPage || loadingAll,
    olderError,
    loadAll,
  };
}
