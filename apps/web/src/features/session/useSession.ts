/**
 * Who this browser is to the bridge, from `GET /api/session`: asked once, then changed only by signing in or
 * out, and by the bridge saying the session ended (a 401 anywhere, a socket closed with 4401).
 */
import { useQuery } from '@tanstack/react-query';
import { queryKeys } from '../../api/queryKeys.ts';
import type { RequestError } from '../../api/request-error.ts';
import { fetchSession, type SessionState } from '../../api/session.ts';

export function useSession() {
  return useQuery<SessionState, RequestError>({
    queryKey: queryKeys.session(),
    queryFn: fetchSession,
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
}
