/**
 * The event cache hook against the real bridge and a real QEMU: the newest
 * page of history first, live events appended from exactly where it ends,
 * older pages down to the first event, with no gap and no duplicate.
 */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveProvider } from '../../live/LiveProvider.tsx';
import { type RealBridge, startRealBridge, waitForConnected } from '../../test/real-bridge.ts';
import { HISTORY_PAGE, useEventLog } from './useEventLog.ts';

let bridge: RealBridge;

beforeAll(async () => {
  bridge = await startRealBridge([{ id: 'alpha', name: 'Alpha' }]);
  // The page under test is served by the bridge, so its fetch and WebSocket are same-origin.
  (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(
    `${bridge.url}/vms/alpha`,
  );
  await waitForConnected(bridge, 'alpha');
  // More events than one history page: each cont/stop pair makes RESUME and STOP.
  for (let i = 0; i < 130; i++) {
    await bridge.execute('alpha', 'cont');
    await bridge.execute('alpha', 'stop');
  }
}, 60_000);
afterAll(() => bridge?.stop());

function wrapper({ children }: { children: ReactNode }) {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return (
    <QueryClientProvider client={queryClient}>
      <LiveProvider>{children}</LiveProvider>
    </QueryClientProvider>
  );
}

const seqs = (events: readonly { seq: number }[]) => events.map((event) => event.seq);
const consecutive = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('useEventLog with the real bridge', () => {
  it('loads the newest page, appends live events, then pages back to the first', async () => {
    const stored = (await (await fetch(`${bridge.url}/api/vms/alpha/events?after=0&limit=1`)).json()) as {
      lastSeq: number;
    };
    const last = stored.lastSeq;
    expect(last).toBeGreaterThan(HISTORY_PAGE);

    const { result, unmount } = renderHook(() => useEventLog('alpha'), { wrapper });
    await waitFor(() => expect(result.current.log.events).toHaveLength(HISTORY_PAGE), { timeout: 10_000 });
    expect(seqs(result.current.log.events)).toEqual(consecutive(last - HISTORY_PAGE + 1, last));
    expect(result.current.log.hasOlder).toBe(true);

    // Live: the subscription starts right after the history page.
    await bridge.execute('alpha', 'cont');
    await waitFor(() => expect(result.current.log.events.at(-1)?.event).toBe('RESUME'), { timeout: 10_000 });
    expect(result.current.log.events.at(-1)?.cause).toMatchObject({ command: 'cont' });

    await act(() => result.current.loadOlder());
    await waitFor(() => expect(result.current.log.hasOlder).toBe(false), { timeout: 10_000 });
    expect(seqs(result.current.log.events)).toEqual(consecutive(1, last + 1));
    unmount();
  });
});
