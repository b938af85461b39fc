/** The QMP console refuses, in the page and with the reason, a command the role may not run: nothing is sent. */
import type { Vm } from '@qmpdeck/protocol';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { queryKeys } from '../../api/queryKeys.ts';
import { FakeSocket } from '../../live/fake-socket.test-helper.ts';
import { LiveProvider } from '../../live/LiveProvider.tsx';
import { seedSession, VIEWER } from '../session/session.test-helper.ts';
import QmpConsoleTab from './QmpConsoleTab.tsx';

const vm: Vm = {
  id: 'console-test',
  name: 'Console test',
  connection: 'connected',
  status: 'running',
  qemu: null,
};

function renderConsole() {
  const queryClient = seedSession(new QueryClient(), VIEWER);
  // No schema needed: the console reads a line without one (values are then guessed from their text).
  queryClient.setQueryData(queryKeys.schema(vm.id), []);
  render(
    <QueryClientProvider client={queryClient}>
      <LiveProvider createSocket={(url) => new FakeSocket(url)}>
        <QmpConsoleTab vm={vm} />
      </LiveProvider>
    </QueryClientProvider>,
  );
  act(() => FakeSocket.latest().open());
}

const typeLine = (line: string) => {
  const input = screen.getByRole('textbox', { name: 'QMP command' });
  fireEvent.change(input, { target: { value: line } });
  fireEvent.keyDown(input, { key: 'Enter' });
  return input as HTMLInputElement;
};

beforeEach(() => {
  FakeSocket.all = [];
  localStorage.clear();
});
afterEach(cleanup);

describe('QmpConsoleTab', () => {
  it("refuses a command the viewer's role may not run before sending it, keeping the line", async () => {
    renderConsole();
    const input = typeLine('stop');
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Not sent: Your role (viewer) may not run stop.',
    );
    expect(input.value).toBe('stop');
    typeLine('{"execute": "human-monitor-command", "arguments": {"command-line": "info status"}}');
    expect(screen.getByRole('alert').textContent).toBe(
      'Not sent: Your role (viewer) may not run human-monitor-command.',
    );
    expect(FakeSocket.latest().sent).toEqual([]);
  });

  it('sends what the role may run', async () => {
    renderConsole();
    typeLine('query-status');
    await waitFor(() => expect(FakeSocket.latest().sent).toHaveLength(1));
    expect(FakeSocket.latest().sent[0]).toMatchObject({ execute: 'query-status', origin: 'console' });
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
