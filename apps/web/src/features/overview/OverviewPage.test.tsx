/**
 * The overview speaks plain words first with QEMU's term beside them, offers Start for a shut-off VM, and
 * subscribes to no VM's events: each row's latest event comes from the `vm` messages alone.
 */
import type { Vm } from '@qmpdeck/protocol';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { queryKeys } from '../../api/queryKeys.ts';
import { FakeSocket } from '../../live/fake-socket.test-helper.ts';
import { LiveProvider } from '../../live/LiveProvider.tsx';
import { seedSession, VIEWER } from '../session/session.test-helper.ts';
import { OverviewPage } from './OverviewPage.tsx';

const at = { seconds: Math.floor(Date.now() / 1000), microseconds: 0 };
const vms: Vm[] = [
  {
    id: 'alpha',
    name: 'Alpha',
    connection: 'connected',
    status: 'prelaunch',
    qemu: { major: 7, minor: 2, micro: 22, package: '' },
    managed: true,
    process: { state: 'running', pid: 10, exitCode: null, signal: null },
    latestEvent: { seq: 4, event: 'BRIDGE_GUEST_AGENT_CONNECTED', timestamp: at },
  },
  {
    id: 'beta',
    name: 'Beta',
    connection: 'stopped',
    status: null,
    qemu: null,
    message: 'QEMU exited with code 0',
    managed: true,
    process: { state: 'exited', pid: null, exitCode: 0, signal: null },
    latestEvent: { seq: 9, event: 'SHUTDOWN', timestamp: at },
  },
  { id: 'ghost', name: 'Ghost', connection: 'disconnected', status: null, qemu: null, managed: false },
];

const row = (name: string) =>
  screen.getAllByTestId('vm-row').find((item) => within(item).queryByRole('link', { name })) as HTMLElement;

async function renderOverview(session = seedSession) {
  const queryClient = session(new QueryClient());
  queryClient.setQueryData(queryKeys.vms(), vms);
  render(
    <QueryClientProvider client={queryClient}>
      <LiveProvider createSocket={(url) => new FakeSocket(url)}>
        <OverviewPage />
      </LiveProvider>
    </QueryClientProvider>,
  );
  act(() => FakeSocket.latest().open());
  await waitFor(() =>
    expect((within(row('Beta')).getByRole('button') as HTMLButtonElement).disabled).toBe(false),
  );
  return queryClient;
}

beforeEach(() => {
  FakeSocket.all = [];
});
afterEach(cleanup);

describe('OverviewPage', () => {
  it('subscribes to no VM: the latest events come with the vm messages', async () => {
    await renderOverview();
    expect(FakeSocket.latest().sent).toEqual([]);
    act(() =>
      FakeSocket.latest().receive({
        type: 'vm',
        vm: { ...vms[0], latestEvent: { seq: 5, event: 'RESUME', timestamp: at } },
      }),
    );
    await waitFor(() =>
      expect(within(row('Alpha')).getByTestId('vm-latest-event').textContent).toContain('RESUME'),
    );
  });

  it('has column headers and says each state in plain words, with the term beside them', async () => {
    await renderOverview();
    const header = screen.getByTestId('vm-list-header');
    for (const name of ['Name', 'State', 'Latest event', 'Guest', 'Action'])
      expect(header.textContent).toContain(name);
    const alpha = row('Alpha');
    expect(within(alpha).getByTestId('vm-status').textContent).toBe('prelaunch');
    expect(within(alpha).getByText('Not started')).toBeTruthy();
    expect(within(alpha).getByText('Not started').parentElement?.title).toMatch(
      /has not booted yet.*Resume boots it/,
    );
    // The bridge's own event names are its shorthand: the row says what happened.
    expect(within(alpha).getByTestId('vm-latest-event').textContent).toMatch(
      /^Latest: Guest agent connected · /,
    );
    expect(alpha.textContent).not.toContain('BRIDGE_GUEST_AGENT_CONNECTED');
    expect(within(row('Beta')).getByTestId('vm-latest-event').textContent).toMatch(
      /^Latest: Shut down \(SHUTDOWN\) · /,
    );
    expect(within(row('Ghost')).getByTestId('vm-status').textContent).toBe('disconnected');
    expect(within(row('Ghost')).getByText('Unreachable')).toBeTruthy();
  });

  it('shows a managed VM whose QEMU exited as shut off, with Start on its row', async () => {
    await renderOverview();
    const beta = row('Beta');
    expect(within(beta).getByTestId('vm-status').textContent).toBe('stopped');
    expect(within(beta).getByText('Shut off')).toBeTruthy();
    expect(within(beta).getByRole('button', { name: 'Start Beta' })).toBeTruthy();
    expect(within(row('Alpha')).getByRole('button', { name: 'Resume Alpha' })).toBeTruthy();
    const counts = screen.getByRole('list', { name: 'VMs by state' });
    expect(counts.textContent).toContain('1Shut off(stopped)');
    expect(counts.textContent).toContain('1Not started(prelaunch)');
  });

  it("disables a viewer's quick and bulk actions with the reason, and sends nothing", async () => {
    await renderOverview((client) => seedSession(client, VIEWER));
    const start = within(row('Beta')).getByRole('button', { name: 'Start Beta' });
    expect(start.getAttribute('aria-disabled')).toBe('true');
    expect(start.title).toBe('Your role (viewer) may not start VMs');
    expect(within(row('Alpha')).getByRole('button', { name: 'Resume Alpha' }).title).toBe(
      'Your role (viewer) may not run cont',
    );
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select all shown VMs' }));
    const bulkPause = screen.getByRole('button', { name: 'Pause selected' });
    expect(bulkPause.getAttribute('aria-disabled')).toBe('true');
    const reason = document.getElementById(bulkPause.getAttribute('aria-describedby') ?? '');
    expect(reason?.textContent).toBe('Your role (viewer) may not run stop');
    fireEvent.click(bulkPause);
    fireEvent.click(start);
    expect(FakeSocket.latest().sent).toEqual([]);
  });
});
