/**
 * The audit log's data against the real bridge with users: the newest page first, older pages with `before=`
 * the oldest id loaded, no gap and no duplicate down to the first entry, filters passed to the bridge, and
 * `loadAll` (the export) giving every matching entry.
 */
import type { AuditEntry } from '@qmpdeck/protocol';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RealBridge, startRealBridge, waitForConnected } from '../../test/real-bridge.ts';
import { configUser } from '../../test/users.ts';
import { seedSession } from '../session/session.test-helper.ts';
import { AUDIT_PAGE, olderAuditPage, useAuditEntries } from './useAuditEntries.ts';

const ADMIN_PASSWORD = 'audit-hook-admin';
let bridge: RealBridge;
const auditRequests: URL[] = [];

/** A request from the page: the browser's fetch, which carries the session cookie. */
async function pageFetch(path: string, body?: unknown): Promise<Response> {
  const init: RequestInit =
    body === undefined
      ? {}
      : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
  return window.fetch(path, init);
}

/** `count` commands, 20 at a time. */
async function run(count: number, vm: string, execute: string): Promise<void> {
  for (let sent = 0; sent < count; sent += 20) {
    const batch = Array.from({ length: Math.min(20, count - sent) }, () =>
      pageFetch(`/api/vms/${vm}/execute`, { execute }),
    );
    for (const response of await Promise.all(batch)) expect(response.status).toBe(200);
  }
}

beforeAll(async () => {
  bridge = await startRealBridge(
    [
      { id: 'alpha', name: 'Alpha' },
      { id: 'beta', name: 'Beta' },
    ],
    { users: [configUser('ada', 'admin', ADMIN_PASSWORD)] },
  );
  (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(`${bridge.url}/audit`);
  expect((await pageFetch('/api/session', { name: 'ada', password: ADMIN_PASSWORD })).status).toBe(200);
  // The bridge's own checks need a connected VM; the commands are the log's entries.
  await waitForConnected(bridge, 'alpha', window.fetch.bind(window));
  await waitForConnected(bridge, 'beta', window.fetch.bind(window));
  await run(40, 'alpha', 'query-status');
  await run(220, 'beta', 'query-name');
  const realFetch = window.fetch.bind(window);
  window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input instanceof Request ? input.url : input), bridge.url);
    if (url.pathname === '/api/audit') auditRequests.push(url);
    return realFetch(input, init);
  };
}, 120_000);
afterAll(() => bridge?.stop());

function wrapper({ children }: { children: ReactNode }) {
  const queryClient = seedSession(new QueryClient({ defaultOptions: { queries: { retry: false } } }));
  return <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>;
}

const ids = (entries: readonly AuditEntry[]) => entries.map((entry) => entry.id);
const descending = (list: number[]) => list.every((id, i) => i === 0 || id < (list[i - 1] ?? 0));

describe('useAuditEntries with the real bridge', () => {
  it('opens at the newest page and pages back with before= the oldest id, to the first entry', async () => {
    auditRequests.length = 0;
    const { result } = renderHook(() => useAuditEntries({ vm: '', user: '' }), { wrapper });
    await waitFor(() => expect(result.current.entries).toHaveLength(AUDIT_PAGE));
    expect(result.current.hasOlder).toBe(true);
    expect(descending(ids(result.current.entries))).toBe(true);
    const oldestShown = result.current.entries.at(-1)?.id;
    await act(() => result.current.loadOlder());
    await waitFor(() => expect(result.current.entries.length).toBeGreaterThan(AUDIT_PAGE));
    expect(auditRequests[0]?.searchParams.has('before')).toBe(false);
    expect(auditRequests[1]?.searchParams.get('before')).toBe(String(oldestShown));
    while (result.current.hasOlder) await act(() => result.current.loadOlder());
    const all = ids(result.current.entries);
    expect(descending(all)).toBe(true);
    expect(new Set(all).size).toBe(all.length);
    // 260 commands and a sign-in (and this test's own reads of the log, once the bridge has written them).
    expect(all.length).toBeGreaterThanOrEqual(261);
  });

  it('passes the filters to the bridge and exports every matching entry', async () => {
    auditRequests.length = 0;
    const { result } = renderHook(() => useAuditEntries({ vm: 'beta', user: 'ada' }), { wrapper });
    await waitFor(() => expect(result.current.entries).toHaveLength(AUDIT_PAGE));
    expect(auditRequests[0]?.searchParams.get('vm')).toBe('beta');
    expect(auditRequests[0]?.searchParams.get('user')).toBe('ada');
    let exported: readonly AuditEntry[] | null = null;
    await act(async () => {
      exported = await result.current.loadAll();
    });
    const entries = exported as unknown as AuditEntry[];
    expect(entries).toHaveLength(220);
    expect(ids(result.current.entries)).toEqual(ids(entries));
    expect(new Set(entries.map((entry) => `${entry.vm} ${entry.user} ${entry.command}`))).toEqual(
      new Set(['beta ada query-name']),
    );
  });
});

describe('olderAuditPage', () => {
  const page = (...list: number[]) => ({ entries: list.map((id) => ({ id }) as AuditEntry) });
  it('continues below the oldest entry of a full page, and ends after a short or empty one', () => {
    expect(olderAuditPage(page(9, 8, 7), 3)).toBe(7);
    expect(olderAuditPage(page(9, 8), 3)).toBeUndefined();
    expect(olderAuditPage(page(), 3)).toBeUndefined();
  });
});
