import { describe, expect, it } from 'vitest';
import { createQueryClient } from './query-client.ts';
import { queryKeys } from './queryKeys.ts';
import { RequestError } from './request-error.ts';
import { NO_USERS, type SessionState, signedInAs } from './session.ts';

const fail = (status: number, errorClass: string) => () =>
  Promise.reject(new RequestError({ class: errorClass, desc: 'test' }, status));

describe('createQueryClient', () => {
  it('marks the session signed out when any query is answered 401', async () => {
    const queryClient = createQueryClient();
    queryClient.setQueryData<SessionState>(queryKeys.session(), signedInAs(NO_USERS));
    await queryClient
      .fetchQuery({ queryKey: queryKeys.vms(), queryFn: fail(401, 'Unauthorized') })
      .catch(() => {});
    expect(queryClient.getQueryData(queryKeys.session())).toEqual({ signedIn: false });
  });

  it('retries a failed query once by default, but never a 401: only signing in again helps', () => {
    const retry = createQueryClient().getDefaultOptions().queries?.retry;
    if (typeof retry !== 'function') throw new Error('retry is not a function');
    const unauthorized = new RequestError({ class: 'Unauthorized', desc: 'sign in' }, 401);
    const away = new RequestError({ class: 'BridgeUnreachable', desc: 'away' });
    expect(retry(0, unauthorized)).toBe(false);
    expect(retry(0, away)).toBe(true);
    expect(retry(1, away)).toBe(false);
  });

  it('leaves the session alone on other errors', async () => {
    const queryClient = createQueryClient();
    queryClient.setQueryData<SessionState>(queryKeys.session(), signedInAs(NO_USERS));
    await queryClient
      .fetchQuery({ queryKey: queryKeys.vm('x'), queryFn: fail(403, 'Forbidden'), retry: false })
      .catch(() => {});
    expect(queryClient.getQueryData(queryKeys.session())).toEqual(signedInAs(NO_USERS));
  });
});
