/** The header's buttons send what the VM's state calls for, over the tab's socket (played here by a fake bridge). */
import type { Vm } from '@qmpdeck/protocol';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeSocket } from '../../../live/fake-socket.test-helper.ts';
import { LiveProvider } from '../../../live/LiveProvider.tsx';
import { seedSession, VIEWER } from '../../session/session.test-helper.ts';
import { ActionBar } from './ActionBar.tsx';

const vm = (change: Partial<Vm>): Vm => ({
  id: 'alpha',
  name: 'Alpha',
  connection: 'connected',
  status: 'running',
  qemu: null,
  ...change,
});

const resumeButton = () => screen.getByRole('button', { name: 'Resume' }) as HTMLButtonElement;

/** Renders the bar with its socket open (React Query tells its readers on a later tick, hence the wait). */
async function renderBar(shown: Vm, enabledOnceOpen = 'Resume') {
  render(
    <QueryClientProvider client={seedSession(new QueryClient())}>
      <LiveProvider createSocket={(url) => new FakeSocket(url)}>
        <ActionBar vm={shown} />
      </LiveProvider>
    </QueryClientProvider>,
  );
  act(() => FakeSocket.latest().open());
  await waitFor(() =>
    expect((screen.getByRole('button', { name: enabledOnceOpen }) as HTMLButtonElement).disabled).toBe(false),
  );
}

beforeEach(() => {
  FakeSocket.all = [];
});
afterEach(cleanup);

describe('ActionBar', () => {
  it('wakes a suspended guest with Resume (system_wakeup) and says what it sent', async () => {
    await renderBar(vm({ status: 'suspended' }));
    fireEvent.click(resumeButton());
    // The mutation sends on a later tick.
    await waitFor(() => expect(FakeSocket.latest().sent).toHaveLength(1));
    const sent = FakeSocket.latest().sent as { id: string; execute: string; origin: string }[];
    expect(sent.map(({ execute, origin }) => ({ execute, origin }))).toEqual([
      { execute: 'system_wakeup', origin: 'Resume button' },
    ]);
    act(() => FakeSocket.latest().receive({ type: 'result', id: sent[0]?.id, return: {} }));
    expect(await screen.findByText('Resume: done (system_wakeup)')).toBeTruthy();
  });

  it('resumes a paused VM with cont', async () => {
    await renderBar(vm({ status: 'paused' }));
    fireEvent.click(resumeButton());
    await waitFor(() => expect(FakeSocket.latest().sent).toHaveLength(1));
    expect((FakeSocket.latest().sent as { execute: string }[]).map((message) => message.execute)).toEqual([
      'cont',
    ]);
  });

  it('keeps Kill enabled while QEMU has not answered a command: Kill does not go through the monitor', async () => {
    await renderBar(
      vm({
        status: 'running',
        managed: true,
        process: { state: 'running', pid: 42, exitCode: null, signal: null },
      }),
      'Pause',
    );
    fireEvent.click(screen.getByRole('button', { name: 'Pause' }));
    await waitFor(() => expect(FakeSocket.latest().sent).toHaveLength(1));
    // No answer comes (a hung monitor): what goes through the monitor waits; Kill does not.
    expect((screen.getByRole('button', { name: 'Pause' }) as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByRole('button', { name: 'Kill' }) as HTMLButtonElement).disabled).toBe(false);
    expect(screen.getByTestId('action-result').textContent).toBe('Pause: sending…');
  });

  it('disables every action until the socket to the bridge is open', async () => {
    render(
      <QueryClientProvider client={seedSession(new QueryClient())}>
        <LiveProvider createSocket={(url) => new FakeSocket(url)}>
          <ActionBar vm={vm({ status: 'paused' })} />
        </LiveProvider>
      </QueryClientProvider>,
    );
    expect(resumeButton().disabled).toBe(true);
    act(() => FakeSocket.latest().open());
    await waitFor(() => expect(resumeButton().disabled).toBe(false));
    act(() => FakeSocket.latest().drop());
    await waitFor(() => expect(resumeButton().disabled).toBe(true));
  });

  it("disables what a viewer's role may not send, saying why, and sends nothing when pressed", async () => {
    render(
      <QueryClientProvider client={seedSession(new QueryClient(), VIEWER)}>
        <LiveProvider createSocket={(url) => new FakeSocket(url)}>
          <ActionBar
            vm={vm({ managed: true, process: { state: 'running', pid: 1, exitCode: null, signal: null } })}
          />
        </LiveProvider>
      </QueryClientProvider>,
    );
    act(() => FakeSocket.latest().open());
    const pause = screen.getByRole('button', { name: 'Pause' });
    await waitFor(() => expect(pause.getAttribute('aria-disabled')).toBe('true'));
    expect(pause.title).toBe('Your role (viewer) may not run stop');
    expect(screen.getByRole('button', { name: 'Kill' }).title).toBe('Your role (viewer) may not kill VMs');
    for (const name of ['Reset', 'Power down', 'Quit']) {
      const button = screen.getByRole('button', { name });
      expect(button.getAttribute('aria-disabled')).toBe('true');
      const reason = document.getElementById(button.getAttribute('aria-describedby') ?? '');
      expect(reason?.textContent).toMatch(/^Your role \(viewer\) may not run /);
    }
    fireEvent.click(pause);
    fireEvent.click(screen.getByRole('button', { name: 'Quit' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(FakeSocket.latest().sent).toEqual([]);
  });
});
