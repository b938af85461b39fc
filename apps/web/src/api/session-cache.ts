/**
 * What the page does when the bridge says nobody is signed in any more (a 401 on any request, the socket closed
 * with 4401, a refused upgrade confirmed over HTTP): the session becomes "signed out" in the cache, and the
 * session gate sends the person to the sign-in page, remembering where they were.
 */
import type { QueryClient } from '@tanstack/react-query';
import { queryKeys } from './queryKeys.ts';
import { RequestError } from './request-error.ts';
import { type SessionState, SIGNED_OUT } from './session.ts';

export function markSignedOut(queryClient: QueryClient): void {
  const current = queryClient.getQueryData<SessionState>(queryKeys.session());
  if (current?.signedIn === false) return;
  queryClient.setQueryData<SessionState>(queryKeys.session(), SIGNED_OUT);
}

export function isUnauthorized(error: unknown): boolean {
  return error instanceof RequestError && error.status === 401;
}

/** Forgets everything but the session: what one person saw is not shown to the next one signing in here. */
export function forgetAllButSession(queryClient: QueryClient): void {
  queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== queryKeys.session()[0] });
}
