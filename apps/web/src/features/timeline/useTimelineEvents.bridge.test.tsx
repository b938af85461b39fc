/**
 * The timeline's data against the real bridge and a real QEMU: the newest page
 * of history in one request, live events appended from exactly where it ends,
 * older pages with `before=` down to the first event, with no gap and no
 * duplicate, and never a probe of the last seq or arithmetic on `after`.
 */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveProvider } from '../../live/LiveProvider.tsx';
import type { SocketLike } from '../../live/live-socket.ts';
import { type RealBridge, startRealBridge, waitForConnected } from '../../test/real-bridge.ts';
import { HISTORY_PAGE, OLDER_PAGE, useTimelineEvents } from './useTimelineEvents.ts';

let bridge: RealBridge;
const eventRequests: URL[] = [];

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
  // Notes every events request the page makes (the fetch itself is the real one).
  const realFetch = window.fetch.bind(window);
  window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input instanceof Request ? input.url : input), bridge.url);
    if (url.pathname.endsWith('/events')) eventRequests.push(url);
    return realFetch(input, init);
  };
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

describe('useTimelineEvents with the real bridge', () => {
  it('opens at the newest page in one request, goes live, then pages back with before= to the first', async () => {
    const stored = (await (await fetch(`${bridge.url}/api/vms/alpha/events?after=0&limit=1`)).json()) as {
      lastSeq: number;
    };
    const last = stored.lastSeq;
    expect(last).toBeGreaterThan(HISTORY_PAGE);
    eventRequests.length = 0;

    const { result, unmount } = renderHook(() => useTimelineEvents('alpha'), { wrapper });
    await waitFor(() => expect(result.current.events).toHaveLength(HISTORY_PAGE), { timeout: 10_000 });
    expect(seqs(result.current.events)).toEqual(consecutive(last - HISTORY_PAGE + 1, last));
    expect(result.current.hasOlder).toBe(true);
    expect(eventRequests.map((url) => url.search)).toEqual([
      `?before=${Number.MAX_SAFE_INTEGER}&limit=${HISTORY_PAGE}`,
    ]);

    // Live: the subscription starts right after the history page.
    await bridge.execute('alpha', 'cont');
    await waitFor(() => expect(result.current.events.at(-1)?.event).toBe('RESUME'), { timeout: 10_000 });
    expect(result.current.events.at(-1)?.cause).toMatchObject({ command: 'cont' });

    await act(() => result.current.loadOlder());
    await waitFor(() => expect(result.current.hasOlder).toBe(false), { timeout: 10_000 });
    expect(seqs(result.current.events)).toEqual(consecutive(1, last + 1));
    // Each older page ends where the oldest loaded event starts: no `after`, no probing of the last seq.
    expect(eventRequests.map((url) => url.search)).toEqual([
      `?before=${Number.MAX_SAFE_INTEGER}&limit=${HISTORY_PAGE}`,
      `?before=${last - HISTORY_PAGE + 1}&limit=${OLDER_PAGE}`,
    ]);
    unmount();
  });

  it('gets a replay as events batches when it comes back, with no gap and no duplicate', async () => {
    // The real browser socket, with the type of every message it receives noted.
    const received: string[] = [];
    const recordingSocket = (url: string): SocketLike => {
      const socket = new WebSocket(url);
      socket.addEventListener('message', (event) => {
        received.push((JSON.parse(String(event.data)) as { type: string }).type);
      });
      return socket;
    };
    const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    const shared = ({ children }: { children: ReactNode }) => (
      <QueryClientProvider client={queryClient}>
        <LiveProvider createSocket={recordingSocket}>{children}</LiveProvider>
      </QueryClientProvider>
    );
    const first = renderHook(() => useTimelineEvents('alpha'), { wrapper: shared });
    await waitFor(() => expect(first.result.current.events.length).toBeGreaterThan(0), { timeout: 10_000 });
    const seen = first.result.current.events.at(-1)?.seq ?? 0;
    first.unmount();

    // Away from the timeline (its socket closed with the provider), events happen: a STOP and a RESUME each time.
    for (let i = 0; i < 5; i++) {
      await bridge.execute('alpha', 'stop');
      await bridge.execute('alpha', 'cont');
    }
    const { lastSeq } = (await (
      await fetch(`${bridge.url}/api/vms/alpha/events?before=${Number.MAX_SAFE_INTEGER}&limit=1`)
    ).json()) as { lastSeq: number };
    expect(lastSeq).toBeGreaterThanOrEqual(seen + 10);
    received.length = 0;
    const again = renderHook(() => useTimelineEvents('alpha'), { wrapper: shared });
    await waitFor(() => expect(again.result.current.events.at(-1)?.seq).toBe(lastSeq), { timeout: 10_000 });
    const events = again.result.current.events;
    expect(seqs(events.slice(-(lastSeq - seen + 1)))).toEqual(consecutive(seen, lastSeq));
    // The replay came batched: `events` messages, not one `event` message per event.
    expect(received).toContain('events');
    expect(received).not.toContain('event');
    again.unmount();
  });
});
