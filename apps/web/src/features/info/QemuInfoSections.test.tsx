/**
 * The Info tab's sections after a failure: a timeout is not left on the page once QEMU answers again, it is
 * retried by itself, and Retry asks at once. The bridge is played by the fake socket (a timeout on demand).
 */
import type { Vm } from '@qmpdeck/protocol';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeSocket } from '../../live/fake-socket.test-helper.ts';
import { LiveProvider } from '../../live/LiveProvider.tsx';
import { seedSession, VIEWER } from '../session/session.test-helper.ts';
import { MemorySection, VncSection } from './QemuInfoSections.tsx';

const vm: Vm = { id: 'alpha', name: 'Alpha', connection: 'connected', status: 'running', qemu: null };
type Sent = { id: string; execute: string };

const sent = () => FakeSocket.latest().sent as Sent[];
const lastSent = (execute: string) =>
  sent()
    .filter((message) => message.execute === execute)
    .at(-1);
const answer = (message: Sent | undefined, outcome: object) =>
  act(() => FakeSocket.latest().receive({ type: 'result', id: message?.id, ...outcome }));
const timeout = { error: { class: 'Timeout', desc: 'query-memory-size-summary took longer than 5000 ms' } };
const memory = { return: { 'base-memory': 64 * 1024 * 1024 } };

async function renderSections() {
  render(
    <QueryClientProvider client={seedSession(new QueryClient())}>
      <LiveProvider createSocket={(url) => new FakeSocket(url)}>
        <MemorySection vm={vm} enabled />
        <VncSection vm={vm} enabled />
      </LiveProvider>
    </QueryClientProvider>,
  );
  act(() => FakeSocket.latest().open());
  await waitFor(() =>
    expect(
      sent()
        .map((message) => message.execute)
        .sort(),
    ).toHaveLength(2),
  );
}

const memorySection = () => screen.getByRole('region', { name: 'Memory' });

beforeEach(() => {
  FakeSocket.all = [];
});
afterEach(cleanup);

describe('an Info section after a failure', () => {
  it('drops a timeout as soon as QEMU answers another query, and shows the answer', async () => {
    await renderSections();
    answer(lastSent('query-memory-size-summary'), timeout);
    expect(await within(memorySection()).findByText(/Timeout: /)).toBeTruthy();
    expect(memorySection().textContent).toContain('Retrying by itself');
    // QEMU answers again: the VNC query succeeds, and the failed memory query is asked again at once.
    answer(lastSent('query-vnc'), { return: { enabled: false } });
    await waitFor(() =>
      expect(sent().filter((m) => m.execute === 'query-memory-size-summary')).toHaveLength(2),
    );
    answer(lastSent('query-memory-size-summary'), memory);
    await waitFor(() => expect(memorySection().textContent).toContain('64 MiB'));
    expect(within(memorySection()).queryByRole('alert')).toBeNull();
  });

  it('retries by itself after a timeout, and Retry asks at once', async () => {
    await renderSections();
    answer(lastSent('query-memory-size-summary'), timeout);
    await within(memorySection()).findByText(/Timeout: /);
    // The first automatic retry comes after about 2 s (backoff), with nobody clicking.
    await waitFor(
      () => expect(sent().filter((m) => m.execute === 'query-memory-size-summary')).toHaveLength(2),
      {
        timeout: 4_000,
      },
    );
    answer(lastSent('query-memory-size-summary'), timeout);
    await within(memorySection()).findByText(/Timeout: /);
    fireEvent.click(within(memorySection()).getByRole('button', { name: 'Retry' }));
    await waitFor(() =>
      expect(sent().filter((m) => m.execute === 'query-memory-size-summary')).toHaveLength(3),
    );
    answer(lastSent('query-memory-size-summary'), memory);
    await waitFor(() => expect(memorySection().textContent).toContain('64 MiB'));
  });

  it('never sends a query the role may not run, and says so in its section', async () => {
    // The viewer of the test helper may run query-* but not query-vnc (its VNC address is the host's).
    render(
      <QueryClientProvider client={seedSession(new QueryClient(), VIEWER)}>
        <LiveProvider createSocket={(url) => new FakeSocket(url)}>
          <MemorySection vm={vm} enabled />
          <VncSection vm={vm} enabled />
        </LiveProvider>
      </QueryClientProvider>,
    );
    act(() => FakeSocket.latest().open());
    await waitFor(() =>
      expect(sent().map((message) => message.execute)).toEqual(['query-memory-size-summary']),
    );
    const vnc = screen.getByRole('region', { name: 'VNC' });
    expect(within(vnc).getByTestId('section-denied').textContent).toBe(
      'Not shown: Your role (viewer) may not run query-vnc.',
    );
  });
});
