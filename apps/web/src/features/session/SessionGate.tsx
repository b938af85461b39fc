/**
 * Shows the app only to someone the bridge knows: it asks `GET /api/session` first. Signed out (a 401, now or
 * later) goes to the sign-in page with the page the person was on as `?next=`; a bridge without users lets
 * everyone in. While the answer is not there, nothing that could send a command is shown; while the bridge
 * cannot be asked, the page says so and keeps asking.
 */
import type { ReactNode } from 'react';
import { Redirect, useLocation, useSearch } from 'wouter';
import { signInPathFor } from './next-path.ts';
import { useSession } from './useSession.ts';

export function SessionGate({ children }: { children: ReactNode }) {
  const session = useSession();
  const [location] = useLocation();
  const search = useSearch();
  if (session.data?.signedIn === false) {
    return <Redirect to={signInPathFor(search ? `${location}?${search}` : location)} replace />;
  }
  if (session.data) return children;
  const problem = session.error ?? session.failureReason;
  if (problem) {
    return (
      <main role="alert" className="p-6 text-sm" data-testid="session-unknown">
        Cannot ask the bridge who you are ({problem.class}: {problem.desc}); trying again…
      </main>
    );
  }
  return <p className="p-4 text-sm text-zinc-500">Loading…</p>;
}
