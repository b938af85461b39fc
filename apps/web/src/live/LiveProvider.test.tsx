/**
 * The page's side of the session on the socket: a close with 4401 signs the page out; an attempt refused before
 * it opened has the session asked again over HTTP (a browser cannot see the upgrade's 401).
 */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, render } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { queryKeys } from '../api/queryKeys.ts';
import { OPERATOR, seedSession } from '../features/session/session.test-helper.ts';
import { FakeSocket } from './fake-socket.test-helper.ts';
import { LiveProvider } from './LiveProvider.tsx';

function renderProvider() {
  const queryClient = seedSession(new QueryClient(), OPERATOR);
  render(
    <QueryClientProvider client={queryClient}>
      <LiveProvider createSocket={(url) => new FakeSocket(url)}>
        <p>app</p>
      </LiveProvider>
    </QueryClientProvider>,
  );
  return queryClient;
}

beforeEach(() => {
  FakeSocket.all = [];
});
afterEach(cleanup);

describe('LiveProvider', () => {
  it('signs the page out when the bridge closes the socket with 4401', () => {
    const queryClient = renderProvider();
    act(() => FakeSocket.latest().open());
    act(() => FakeSocket.latest().drop(4401));
    expect(queryClient.getQueryData(queryKeys.session())).toEqual({ signedIn: false });
  });

  it('asks for the session again when an attempt is refused before it opens', () => {
    const queryClient = renderProvider();
    expect(queryClient.getQueryState(queryKeys.session())?.isInvalidated).toBe(false);
    act(() => FakeSocket.latest().drop());
    expect(queryClient.getQueryState(queryKeys.session())?.isInvalidated).toBe(true);
    // Still signed in until the bridge says otherwise.
    expect(queryClient.getQueryData(queryKeys.session())).toMatchObject({ signedIn: true });
  });

  it("asks for the session again when the socket's hello names another user, forgetting what was shown", () => {
    const queryClient = renderProvider();
    queryClient.setQueryData(queryKeys.vms(), []);
    act(() => FakeSocket.latest().open());
    act(() =>
      FakeSocket.latest().receive({ type: 'hello', version: '1', user: { name: 'ana', role: 'operator' } }),
    );
    expect(queryClient.getQueryState(queryKeys.session())?.isInvalidated).toBe(false);
    expect(queryClient.getQueryData(queryKeys.vms())).toEqual([]);
    act(() =>
      FakeSocket.latest().receive({ type: 'hello', version: '1', user: { name: 'bob', role: 'admin' } }),
    );
    expect(queryClient.getQueryState(queryKeys.session())?.isInvalidated).toBe(true);
    expect(queryClient.getQueryData(queryKeys.vms())).toBeUndefined();
    // The socket's own state is the tab's: kept, so controls stay usable.
    expect(queryClient.getQueryData(queryKeys.live())).toMatchObject({ status: 'open' });
  });
});
