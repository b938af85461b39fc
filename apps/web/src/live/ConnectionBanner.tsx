/** Says so when the bridge is away; the socket reconnects by itself meanwhile. */
import { useSecondsUntil } from '../ui/useSecondsUntil.ts';
import { useLiveState } from './useLiveState.ts';

export function ConnectionBanner() {
  const state = useLiveState();
  const seconds = useSecondsUntil(state.status === 'closed' ? state.retryAt : null);
  if (state.status === 'open' || (state.status === 'connecting' && !state.everOpen)) return null;
  const what = state.everOpen ? 'Lost the connection to the bridge.' : 'Cannot reach the bridge.';
  const next = state.status === 'connecting' ? 'Reconnecting…' : `Retrying in ${seconds ?? 0} s.`;
  return (
    <div
      role="alert"
      data-testid="connection-banner"
      className="bg-amber-100 px-4 py-2 text-sm text-amber-950 dark:bg-amber-900/60 dark:text-amber-50"
    >
      {what} {next} What you see may be out of date.
    </div>
  );
}
