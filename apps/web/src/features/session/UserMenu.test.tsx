/** The header says who is signed in and offers Sign out; on a bridge without users it shows nothing. */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { OPERATOR, seedSession } from './session.test-helper.ts';
import { UserMenu } from './UserMenu.tsx';

afterEach(cleanup);

const renderMenu = (queryClient: QueryClient) =>
  render(
    <QueryClientProvider client={queryClient}>
      <UserMenu />
    </QueryClientProvider>,
  );

describe('UserMenu', () => {
  it('shows the name and role, and Sign out', () => {
    renderMenu(seedSession(new QueryClient(), OPERATOR));
    expect(screen.getByTestId('signed-in-user').textContent).toBe('Signed in as ana · operator');
    expect(screen.getByRole('button', { name: 'Sign out' })).toBeTruthy();
  });

  it('shows nothing on a bridge without users', () => {
    const { container } = renderMenu(seedSession(new QueryClient()));
    expect(container.textContent).toBe('');
    expect(screen.queryByRole('button', { name: 'Sign out' })).toBeNull();
  });
});
