/**
 * Who this browser is to the bridge, from `GET /api/session`: asked once, then changed only by signing in or
 * out, and by the bridge saying the session ended (a 401 anywhere, a socket closed with 4401). A 401 is an
 * answer (signed out); any failure (the bridge not up yet, a proxy's error page) is asked again with backoff,
 * so a page opened before the bridge came up gets in by itself once it does, as the live socket does.
 */
import { backoffDelay } from '@qmpdeck/qmp/backoff';
import { useQuery } from '@tanstack/react-query';
import { queryKeys } from '../../api/queryKeys.ts';
import type { RequestError } from '../../api/request-error.ts';
import { fetchSession, type SessionState } from '../../api/session.ts';

export const SESSION_RETRY = { minMs: 250, maxMs: 5_000 };

export function useSession() {
  return useQuery<SessionState, RequestError>({
    queryKey: queryKeys.session(),
    queryFn: fetchSession,
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: Number.POSITIVE_INFINITY,
    retry: true,
    retryDelay: (attempt) => backoffDelay(attempt, SESSION_RETRY),
  });
}
