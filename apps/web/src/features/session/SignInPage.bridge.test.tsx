/**
 * Signing in and out against the real bridge with users: wrong credentials said in words and the password not
 * kept, the right ones back to where the person was going, sign-out ending the session on the server, and the
 * bridge's 429 after repeated failures shown with the wait it asks for.
 */
import { QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createQueryClient } from '../../api/query-client.ts';
import { queryKeys } from '../../api/queryKeys.ts';
import type { SessionState } from '../../api/session.ts';
import { type RealBridge, startRealBridge } from '../../test/real-bridge.ts';
import { configUser } from '../../test/users.ts';
import SignInPage from './SignInPage.tsx';
import { UserMenu } from './UserMenu.tsx';

const PASSWORD = 'correct horse battery staple';
let bridge: RealBridge;

const setUrl = (path: string) =>
  (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(`${bridge.url}${path}`);

beforeAll(async () => {
  bridge = await startRealBridge([{ id: 'alpha', name: 'Alpha' }], {
    users: [configUser('ana', 'operator', PASSWORD), configUser('tom', 'viewer', 'tom-password')],
  });
}, 60_000);
afterAll(() => bridge?.stop());
afterEach(cleanup);

function renderPage(node: ReactNode) {
  const queryClient = createQueryClient();
  render(<QueryClientProvider client={queryClient}>{node}</QueryClientProvider>);
  return queryClient;
}

async function submit(name: string, password: string) {
  fireEvent.change(screen.getByLabelText('Name'), { target: { value: name } });
  fireEvent.change(screen.getByLabelText('Password'), { target: { value: password } });
  fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
  // The bridge answers failed attempts more and more slowly.
  await waitFor(() => expect(screen.queryByRole('button', { name: 'Signing in…' })).toBeNull(), {
    timeout: 20_000,
  });
}

/** What the page holds, as text: nothing in it may be the password. */
function pageState(queryClient: ReturnType<typeof createQueryClient>): string {
  return JSON.stringify([
    queryClient
      .getQueryCache()
      .getAll()
      .map((query) => query.state),
    queryClient
      .getMutationCache()
      .getAll()
      .map((mutation) => mutation.state),
  ]);
}

describe('SignInPage with the real bridge', () => {
  it('has labelled fields with the autocomplete a password manager needs', async () => {
    setUrl('/sign-in');
    renderPage(<SignInPage />);
    const name = (await screen.findByLabelText('Name')) as HTMLInputElement;
    const password = screen.getByLabelText('Password') as HTMLInputElement;
    expect(name.autocomplete).toBe('username');
    expect(password.autocomplete).toBe('current-password');
    expect(password.type).toBe('password');
  });

  it('says a wrong password in words, and keeps the password nowhere', async () => {
    setUrl('/sign-in?next=%2Faudit');
    const queryClient = renderPage(<SignInPage />);
    await screen.findByLabelText('Name');
    await submit('ana', 'not the password');
    expect(screen.getByRole('alert').textContent).toBe('Wrong name or password.');
    expect((screen.getByLabelText('Password') as HTMLInputElement).value).toBe('');
    expect(pageState(queryClient)).not.toContain('not the password');
    expect(window.location.pathname).toBe('/sign-in');
  });

  it('signs in and goes where the person was going; sign-out ends the session on the server', async () => {
    setUrl('/sign-in?next=%2Fvms%2Falpha%2Fconsole');
    const queryClient = renderPage(<SignInPage />);
    await screen.findByLabelText('Name');
    await submit('ana', PASSWORD);
    await waitFor(() => expect(window.location.pathname).toBe('/vms/alpha/console'));
    expect(queryClient.getQueryData<SessionState>(queryKeys.session())).toMatchObject({
      signedIn: true,
      info: { auth: true, user: { name: 'ana', role: 'operator' } },
    });
    expect(pageState(queryClient)).not.toContain(PASSWORD);
    // The cookie is the browser's (HttpOnly): the next request carries it.
    expect((await fetch('/api/session')).status).toBe(200);

    cleanup();
    renderPage(<UserMenu />);
    expect((await screen.findByTestId('signed-in-user')).textContent).toBe('Signed in as ana · operator');
    fireEvent.click(screen.getByRole('button', { name: 'Sign out' }));
    await waitFor(() => expect(window.location.pathname).toBe('/sign-in'));
    expect((await fetch('/api/session')).status).toBe(401);
  });

  // Last: the bridge then refuses this address for a while.
  it('shows the wait the bridge asks for after repeated failures (429, Retry-After)', async () => {
    setUrl('/sign-in');
    renderPage(<SignInPage />);
    await screen.findByLabelText('Name');
    for (let attempt = 0; attempt < 30; attempt++) {
      await submit('tom', `wrong ${attempt}`);
      if (/Too many/.test(screen.getByRole('alert').textContent ?? '')) break;
    }
    expect(screen.getByRole('alert').textContent).toMatch(
      /^Too many failed sign-ins\. Try again in \d+ (seconds?|minutes?)\.$/,
    );
    expect((screen.getByRole('button', { name: 'Sign in' }) as HTMLButtonElement).disabled).toBe(true);
  }, 120_000);
});
