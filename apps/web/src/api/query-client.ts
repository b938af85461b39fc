/**
 * The app's QueryClient: its defaults, and the one place an HTTP 401 is noticed. Any query the bridge answers
 * with 401 means the session ended (expired, signed out elsewhere): the page goes to sign-in instead of showing
 * the error in every view. (The session query itself treats 401 as an answer, not an error.)
 */
import { QueryCache, QueryClient } from '@tanstack/react-query';
import { isUnauthorized, markSignedOut } from './session-cache.ts';

export function createQueryClient(): QueryClient {
  const queryClient: QueryClient = new QueryClient({
    queryCache: new QueryCache({
      onError: (error) => {
        if (isUnauthorized(error)) markSignedOut(queryClient);
      },
    }),
    defaultOptions: {
      // State arrives over the socket; HTTP is for the first load and history, never polled. A 401 is not
      // retried: only signing in again helps.
      queries: {
        refetchOnWindowFocus: false,
        retry: (failureCount, error) => !isUnauthorized(error) && failureCount < 1,
      },
    },
  });
  return queryClient;
}
