/** The gate lets in whoever the bridge knows, and sends anyone else to sign in with the way back. */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { Router } from 'wouter';
import { memoryLocation } from 'wouter/memory-location';
import { markSignedOut } from '../../api/session-cache.ts';
import { SessionGate } from './SessionGate.tsx';
import { OPERATOR, seedSession } from './session.test-helper.ts';

afterEach(cleanup);

function renderGate(queryClient: QueryClient, path: string) {
  const memory = memoryLocation({ path, record: true });
  render(
    <QueryClientProvider client={queryClient}>
      <Router hook={memory.hook} searchHook={memory.searchHook}>
        <SessionGate>
          <p>the app</p>
        </SessionGate>
      </Router>
    </QueryClientProvider>,
  );
  return memory;
}

describe('SessionGate', () => {
  it('shows the app to a signed-in user, and to everyone on a bridge without users', () => {
    renderGate(seedSession(new QueryClient(), OPERATOR), '/');
    expect(screen.getByText('the app')).toBeTruthy();
    cleanup();
    renderGate(seedSession(new QueryClient()), '/');
    expect(screen.getByText('the app')).toBeTruthy();
  });

  it('sends a signed-out person to sign in, remembering the page and its query', async () => {
    const queryClient = seedSession(new QueryClient(), OPERATOR);
    const memory = renderGate(queryClient, '/audit?vm=alpha');
    expect(screen.getByText('the app')).toBeTruthy();
    // What a 401 anywhere or a socket closed with 4401 does.
    act(() => markSignedOut(queryClient));
    await waitFor(() => expect(screen.queryByText('the app')).toBeNull());
    expect(memory.history.at(-1)).toBe('/sign-in?next=%2Faudit%3Fvm%3Dalpha');
  });
});
