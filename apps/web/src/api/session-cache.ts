/**
 * What the page does when the bridge says nobody is signed in any more (a 401 on any request, the socket closed
 * with 4401, a refused upgrade confirmed over HTTP): the session becomes "signed out" in the cache, and the
 * session gate sends the person to the sign-in page, remembering where they were.
 */
import type { SessionUser } from '@qmpdeck/protocol';
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

/**
 * Forgets what one person saw, so it is not shown to the next one signing in here: everything but the session
 * itself and the socket's state (which is the tab's, not the person's).
 */
export function forgetAllButSession(queryClient: QueryClient): void {
  const kept = new Set<unknown>([queryKeys.session()[0], queryKeys.live()[0]]);
  queryClient.removeQueries({ predicate: (query) => !kept.has(query.queryKey[0]) });
}

/**
 * The socket's `hello` says who the bridge takes this tab for. When that is not who the page thinks is signed in
 * (someone else signed in from another tab of this browser, so the cookie changed), the session is asked again
 * and what the page held for the other person is forgotten.
 */
export function checkHelloUser(queryClient: QueryClient, user: SessionUser | null | undefined): void {
  // A bridge from before users existed says nothing.
  if (user === undefined) return;
  const current = queryClient.getQueryData<SessionState>(queryKeys.session());
  if (!current?.signedIn) return;
  const known = current.info.user;
  if (known?.name === user?.name && known?.role === user?.role) return;
  forgetAllButSession(queryClient);
  void queryClient.invalidateQueries({ queryKey: queryKeys.session() });
}
