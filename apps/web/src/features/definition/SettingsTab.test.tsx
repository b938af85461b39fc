/**
 * The Settings tab edits what may change now: everything on a stopped VM; on a running one only the name,
 * description, autostart and CD-ROM media, the rest shown with "Stop the VM to change this", plus the live-only
 * balloon target sent as QMP's `balloon` through the tab's socket (played here by a fake bridge). A VM from the
 * config file gets the reason instead of a form.
 */
import { type Vm, VmDefinition } from '@qmpdeck/protocol';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { queryKeys } from '../../api/queryKeys.ts';
import { FakeSocket } from '../../live/fake-socket.test-helper.ts';
import { LiveProvider } from '../../live/LiveProvider.tsx';
import { seedSession } from '../session/session.test-helper.ts';
import { STOP_TO_CHANGE } from './live-fields.ts';
import SettingsTab from './SettingsTab.tsx';

const definition = VmDefinition.parse({
  id: 'web',
  name: 'Web',
  cpus: 2,
  disks: [{ image: 'local:web-disk0.qcow2' }],
  cdroms: [{}],
});

const stopped: Vm = {
  id: 'web',
  name: 'Web',
  connection: 'stopped',
  status: null,
  qemu: null,
  origin: 'defined',
  managed: true,
  process: { state: 'exited', pid: null, exitCode: 0, signal: null },
};
const running: Vm = {
  ...stopped,
  connection: 'connected',
  status: 'running',
  process: { state: 'running', pid: 4242, exitCode: null, signal: null },
};

function renderTab(vm: Vm) {
  const client = seedSession(new QueryClient());
  // What the bridge answered, kept as it is: nothing here is fetched again.
  client.setDefaultOptions({ queries: { staleTime: Number.POSITIVE_INFINITY, retry: false } });
  client.setQueryData(queryKeys.definition(vm.id), definition);
  client.setQueryData(queryKeys.storageLocations(), []);
  render(
    <QueryClientProvider client={client}>
      <LiveProvider createSocket={(url) => new FakeSocket(url)}>
        <SettingsTab vm={vm} />
      </LiveProvider>
    </QueryClientProvider>,
  );
  return client;
}

const input = (label: string) => screen.getByLabelText(label, { exact: true }) as HTMLInputElement;
const saveButton = () => screen.getByRole('button', { name: 'Save' }) as HTMLButtonElement;

/** Every HTTP request the tab makes (none is answered: the definition and storage lists are in the cache). */
let requests: string[] = [];

beforeEach(() => {
  FakeSocket.all = [];
  requests = [];
  vi.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
    requests.push(`${init?.method ?? 'GET'} ${String(input)}`);
    return new Promise(() => {});
  });
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe('SettingsTab', () => {
  it('fills the form from the definition and offers Save once something changed', () => {
    renderTab(stopped);
    expect(input('Name').value).toBe('Web');
    expect(input('CPUs').value).toBe('2');
    expect(input('CPUs').disabled).toBe(false);
    expect(saveButton().disabled).toBe(true);
    fireEvent.change(input('CPUs'), { target: { value: '4' } });
    expect(saveButton().disabled).toBe(false);
    // Back to what was saved: nothing to save.
    fireEvent.change(input('CPUs'), { target: { value: '2' } });
    expect(saveButton().disabled).toBe(true);
    expect(screen.queryByRole('group', { name: 'While it runs' })).toBeNull();
  });

  it('on a running VM locks what only a restart changes, saying why, and leaves the name editable', () => {
    renderTab(running);
    expect(input('CPUs').disabled).toBe(true);
    expect(input('CPUs').title).toBe(STOP_TO_CHANGE);
    expect(input('Memory (MiB)').disabled).toBe(true);
    expect(input('Name').disabled).toBe(false);
    expect((screen.getByLabelText('Drive 1') as HTMLSelectElement).disabled).toBe(false);
    fireEvent.change(input('Name'), { target: { value: 'Web server' } });
    expect(saveButton().disabled).toBe(false);
  });

  it('offers the live controls only once QMP is up', () => {
    renderTab({ ...running, connection: 'connecting' });
    expect(input('CPUs').disabled).toBe(true);
    expect(screen.queryByRole('group', { name: 'While it runs' })).toBeNull();
  });

  it("sets a running VM's balloon target with QMP's balloon, in bytes", async () => {
    renderTab(running);
    act(() => FakeSocket.latest().open());
    expect(screen.getByRole('group', { name: 'While it runs' })).toBeTruthy();
    fireEvent.change(input('Balloon target (MiB)'), { target: { value: '512' } });
    fireEvent.click(screen.getByRole('button', { name: 'Set target' }));
    const balloonSent = () =>
      (FakeSocket.latest().sent as { execute: string; arguments?: unknown }[]).filter(
        (message) => message.execute === 'balloon',
      );
    await waitFor(() => expect(balloonSent()).toHaveLength(1));
    expect(balloonSent()[0]?.arguments).toEqual({ value: 512 * 1024 * 1024 });
    // A live change, not a saved one: the definition is not written.
    expect(requests).toEqual([]);
  });

  it('follows a definition fetched anew while nothing is edited, and keeps edits when one arrives', async () => {
    const client = renderTab(stopped);
    // React Query tells its readers on a later task (setTimeout 0): let that task run.
    const arrive = async (next: VmDefinition) => {
      client.setQueryData(queryKeys.definition('web'), next);
      await act(() => new Promise((resolve) => setTimeout(resolve, 0)));
    };
    await arrive({ ...definition, cpus: 3 });
    expect(input('CPUs').value).toBe('3');
    fireEvent.change(input('Memory (MiB)'), { target: { value: '1024' } });
    await arrive({ ...definition, cpus: 4 });
    expect(input('CPUs').value).toBe('3');
    expect(input('Memory (MiB)').value).toBe('1024');
    // It did arrive: undoing the edit shows it.
    fireEvent.click(screen.getByRole('button', { name: 'Undo changes' }));
    expect(input('CPUs').value).toBe('4');
    expect(input('Memory (MiB)').value).toBe('512');
  });

  it('shows the definition as the bridge stored it once saved, and says so', async () => {
    renderTab(stopped);
    const stored = { ...definition, cpus: 4 };
    vi.mocked(globalThis.fetch).mockImplementationOnce(async (input, init) => {
      requests.push(`${init?.method ?? 'GET'} ${String(input)}`);
      return new Response(JSON.stringify(stored), { headers: { 'content-type': 'application/json' } });
    });
    fireEvent.change(input('CPUs'), { target: { value: '4' } });
    fireEvent.click(saveButton());
    expect(await screen.findByText('Saved')).toBeTruthy();
    expect(requests).toEqual(['PUT /api/vms/web/definition']);
    expect(input('CPUs').value).toBe('4');
    expect(saveButton().disabled).toBe(true);
  });

  it('explains why a VM from the config file cannot be edited here', () => {
    renderTab({ ...stopped, origin: 'config' });
    expect(screen.getByTestId('settings-read-only').textContent).toContain("bridge's config file");
    expect(screen.queryByRole('form', { name: 'Settings' })).toBeNull();
  });
});
