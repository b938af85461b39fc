/**
 * The serial view's input rules, with xterm.js and the WebSocket stood in (the e2e specs use the real ones): what
 * is typed goes to the port as UTF-8 bytes, a person who may not type sends nothing and gets a terminal with its
 * input off and the reason, and each new connection starts on a clean screen for the bridge's replay.
 */
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { InputPermission } from '../useInputPermission.ts';

class FakeTerminal {
  static latest: FakeTerminal | null = null;
  options: { disableStdin?: boolean };
  cols = 80;
  rows = 24;
  written: string[] = [];
  resets = 0;
  private data: ((text: string) => void) | null = null;
  constructor(options: { disableStdin?: boolean }) {
    this.options = { ...options };
    FakeTerminal.latest = this;
  }
  loadAddon() {}
  open() {}
  reset() {
    this.resets += 1;
  }
  write(bytes: Uint8Array) {
    this.written.push(new TextDecoder().decode(bytes));
  }
  onData(listener: (text: string) => void) {
    this.data = listener;
    return { dispose: () => {} };
  }
  onBinary() {
    return { dispose: () => {} };
  }
  onResize() {
    return { dispose: () => {} };
  }
  attachCustomKeyEventHandler() {}
  getSelection() {
    return '';
  }
  paste() {}
  dispose() {}
  /** What a person typing does. */
  type(text: string) {
    this.data?.(text);
  }
}

vi.mock('./xterm-modules.ts', () => ({
  Terminal: FakeTerminal,
  FitAddon: class {
    fit() {}
  },
}));

class FakeWebSocket {
  static OPEN = 1;
  static all: FakeWebSocket[] = [];
  readyState = 0;
  binaryType = 'blob';
  sent: number[][] = [];
  onopen: (() => void) | null = null;
  onclose: (() => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  constructor(readonly url: string) {
    FakeWebSocket.all.push(this);
  }
  send(bytes: Uint8Array) {
    this.sent.push([...bytes]);
  }
  close() {
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  receive(text: string) {
    this.onmessage?.({ data: new TextEncoder().encode(text).buffer });
  }
}

const vm = {
  id: 'alpha',
  name: 'Alpha',
  status: 'running' as const,
  connection: 'connected' as const,
  message: null,
};

async function renderSerial(input: InputPermission) {
  const { default: SerialView } = await import('./SerialView.tsx');
  render(<SerialView vm={vm} port="serial0" input={input} />);
  await waitFor(() => expect(FakeWebSocket.all).toHaveLength(1));
  const socket = FakeWebSocket.all[0] as FakeWebSocket;
  socket.open();
  return { socket, terminal: FakeTerminal.latest as FakeTerminal };
}

beforeEach(() => {
  FakeWebSocket.all = [];
  FakeTerminal.latest = null;
  vi.stubGlobal('WebSocket', FakeWebSocket);
  vi.stubGlobal(
    'ResizeObserver',
    class {
      observe() {}
      disconnect() {}
    },
  );
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('SerialView', () => {
  it("connects to the port's WebSocket, shows what it sends on a clean screen, and sends what is typed", async () => {
    const { socket, terminal } = await renderSerial({ allowed: true, reason: null });
    expect(socket.url).toMatch(/\/api\/vms\/alpha\/serial\/serial0$/);
    expect(socket.binaryType).toBe('arraybuffer');
    expect(terminal.resets).toBe(1);
    socket.receive('login: ');
    expect(terminal.written).toEqual(['login: ']);
    terminal.type('é\r');
    expect(socket.sent).toEqual([[0xc3, 0xa9, 0x0d]]);
    expect(terminal.options.disableStdin).toBe(false);
    await waitFor(() => expect(screen.getByTestId('console-status').textContent).toContain('Connected'));
    expect(screen.getByRole('link', { name: 'Download log' }).getAttribute('href')).toBe(
      '/api/vms/alpha/serial/serial0/log',
    );
  });

  it('sends nothing for someone who may not type, turns input off and says why', async () => {
    const reason = 'Your role (viewer) may not type into serial consoles';
    const { socket, terminal } = await renderSerial({ allowed: false, reason });
    expect(terminal.options.disableStdin).toBe(true);
    terminal.type('reboot\r');
    expect(socket.sent).toEqual([]);
    expect(screen.getByTestId('view-only').textContent).toBe(`View only: ${reason}`);
  });
});
