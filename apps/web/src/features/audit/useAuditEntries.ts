/**
 * The audit log for one choice of filters: TanStack Query's infinite query over `GET /api/audit`, newest first,
 * each page ending where the next older one starts (`before=` the oldest id loaded). "Load older" asks for the
 * next page; an export first loads every page that matches (so it is the whole log for those filters, not the
 * window on screen). Nothing is asked of a bridge that would refuse it: a role without `audit.read` gets its
 * reason instead.
 */
import type { AuditEntry, AuditPage } from '@qmpdeck/protocol';
import { type InfiniteData, useInfiniteQuery } from '@tanstack/react-query';
import { useCallback, useMemo, useRef, useState } from 'react';
import { type AuditFilter, fetchAuditPage } from '../../api/audit.ts';
import { queryKeys } from '../../api/queryKeys.ts';
import { type RequestError, toRequestError } from '../../api/request-error.ts';
import { usePermission } from '../session/usePermission.ts';

export const AUDIT_PAGE = 200;

/** Where the page after `page` starts, or undefined when `page` was the oldest. */
export function olderAuditPage(page: AuditPage, limit: number): number | undefined {
  const oldest = page.entries[page.entries.length - 1];
  // A short page is the last one; a full one may be followed by more (an empty page then ends it).
  if (!oldest || page.entries.length < limit) return undefined;
  return oldest.id;
}

export function useAuditEntries(filter: AuditFilter) {
  const can = usePermission();
  const permission = can('audit.read');
  const query = useInfiniteQuery<
    AuditPage,
    RequestError,
    InfiniteData<AuditPage>,
    readonly unknown[],
    number | null
  >({
    queryKey: queryKeys.audit(filter),
    queryFn: async ({ pageParam }) => {
      try {
        return await fetchAuditPage(filter, pageParam, AUDIT_PAGE);
      } catch (error) {
        throw toRequestError(error);
      }
    },
    initialPageParam: null,
    getNextPageParam: (last) => olderAuditPage(last, AUDIT_PAGE),
    enabled: permission.allowed,
    // The log grows while the page is open: a new visit or filter asks again, a re-render does not.
    staleTime: 0,
    refetchOnWindowFocus: false,
    retry: false,
  });
  const entries = useMemo<readonly AuditEntry[]>(
    () => query.data?.pages.flatMap((page) => page.entries) ?? [],
    [query.data],
  );

  const { data, fetchNextPage, hasNextPage, isFetchingNextPage } = query;
  const loadOlder = useCallback(async () => {
    if (hasNextPage && !isFetchingNextPage) await fetchNextPage({ cancelRefetch: false });
  }, [fetchNextPage, hasNextPage, isFetchingNextPage]);

  const [loadingAll, setLoadingAll] = useState(false);
  const loading = useRef(false);
  /** Every entry matching the filters, newest first; null when a page failed (the error shows). */
  const loadAll = useCallback(async (): Promise<readonly AuditEntry[] | null> => {
    if (loading.current) return null;
    loading.current = true;
    setLoadingAll(true);
    try {
      let more = hasNextPage;
      let pages = data?.pages;
      while (more) {
        const result = await fetchNextPage({ cancelRefetch: false });
        if (result.isFetchNextPageError) return null;
        more = result.hasNextPage;
        pages = result.data?.pages;
      }
      return pages?.flatMap((page) => page.entries) ?? null;
    } finally {
      loading.current = false;
      setLoadingAll(false);
    }
  }, [fetchNextPage, hasNextPage, data]);

  return {
    entries,
    denied: permission.allowed ? null : permission.reason,
    isLoading: permission.allowed && query.isPending,
    error: query.error,
    hasOlder: hasNextPage,
    loadingOlder: isFetchingNextPage || loadingAll,
    loadOlder,
    loadAll,
  };
}
