import type { QmpProxyEndpoint } from '@qmpdeck/protocol';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OPERATOR, seedSession } from '../session/session.test-helper.ts';
import { endpointCommands, shellQuote } from './command-lines.ts';
import { QmpEndpointPanel } from './QmpEndpointPanel.tsx';

afterEach(cleanup);

/** The panel as the Info tab shows it, on a bridge without users unless a session is given. */
function renderPanel(
  endpoint: QmpProxyEndpoint | null | undefined,
  session = seedSession(new QueryClient()),
) {
  const panel = (value: QmpProxyEndpoint | null | undefined) => (
    <QueryClientProvider client={session}>
      <QmpEndpointPanel endpoint={value} />
    </QueryClientProvider>
  );
  const rendered = render(panel(endpoint));
  return {
    ...rendered,
    rerender: (value: QmpProxyEndpoint | null | undefined) => rendered.rerender(panel(value)),
  };
}

describe('the QMP endpoint panel', () => {
  it('gives qmp-shell and socat command lines for the socket, and the TCP one with its token', () => {
    renderPanel({ socket: '/run/user/1000/qmpdeck/web.qmp', tcp: { host: '127.0.0.1', port: 4444 } });
    const line = (label: string) => (screen.getByLabelText(label) as HTMLInputElement).value;
    expect(line('qmp-shell')).toBe('qmp-shell /run/user/1000/qmpdeck/web.qmp');
    expect(line('socat')).toBe('socat - UNIX-CONNECT:/run/user/1000/qmpdeck/web.qmp');
    expect(line('qmp-shell over TCP')).toBe('qmp-shell 127.0.0.1:4444');
    expect(screen.getByRole('region', { name: 'QMP endpoint' }).textContent).toContain(
      '/run/user/1000/qmpdeck/tcp-token',
    );
  });

  it('with users, asks for your own API token rather than the token file', () => {
    renderPanel(
      { socket: '/run/qmpdeck/web.qmp', tcp: { host: '127.0.0.1', port: 4444 } },
      seedSession(new QueryClient(), OPERATOR),
    );
    const text = screen.getByRole('region', { name: 'QMP endpoint' }).textContent;
    expect(text).toContain('__org.qmpdeck_authenticate token=… with your API token');
    expect(text).not.toContain('tcp-token');
  });

  it('copies a line to the clipboard', async () => {
    const writeText = vi.fn().mockResolvedValue(undefined);
    Object.defineProperty(globalThis.navigator, 'clipboard', { value: { writeText }, configurable: true });
    renderPanel({ socket: '/tmp/qmpdeck-0/a.qmp' });
    fireEvent.click(screen.getByRole('button', { name: 'Copy the qmp-shell command' }));
    expect(writeText).toHaveBeenCalledWith('qmp-shell /tmp/qmpdeck-0/a.qmp');
    expect(await screen.findByRole('button', { name: 'Copy the qmp-shell command' })).toHaveProperty(
      'textContent',
      'Copied',
    );
  });

  it('says when there is no endpoint, and shows nothing for a bridge that does not know of them', () => {
    const { container, rerender } = renderPanel(null);
    expect(container.textContent).toContain('serves no QMP endpoint');
    rerender(undefined);
    expect(container.textContent).toBe('');
  });

  it('quotes paths for a shell only where they need it', () => {
    expect(shellQuote('/run/qmp/a.qmp')).toBe('/run/qmp/a.qmp');
    expect(shellQuote("/srv/my vm's/a.qmp")).toBe(`'/srv/my vm'\\''s/a.qmp'`);
    expect(endpointCommands({ socket: '/x y/a.qmp' }).map((c) => c.line)).toEqual([
      "qmp-shell '/x y/a.qmp'",
      "socat - 'UNIX-CONNECT:/x y/a.qmp'",
    ]);
  });
});
