/**
 * A page opened while the bridge is not up yet: the gate says it cannot ask who you are, keeps asking with
 * backoff, and lets the person in by itself once the real bridge answers (here one without users).
 */
import { createServer } from 'node:net';
import { QueryClientProvider } from '@tanstack/react-query';
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createQueryClient } from '../../api/query-client.ts';
import { type RealBridge, startRealBridge } from '../../test/real-bridge.ts';
import { SessionGate } from './SessionGate.tsx';

let bridge: RealBridge | undefined;
afterEach(cleanup);
afterAll(() => bridge?.stop());

/** A port nothing listens on (taken from the system, then given back). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}

describe('SessionGate before the bridge is up', () => {
  it('says why it waits, keeps asking, and lets the person in once the bridge answers', async () => {
    const port = await freePort();
    (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(
      `http://127.0.0.1:${port}/`,
    );
    render(
      <QueryClientProvider client={createQueryClient()}>
        <SessionGate>
          <p>the app</p>
        </SessionGate>
      </QueryClientProvider>,
    );
    expect((await screen.findByTestId('session-unknown')).textContent).toMatch(
      /^Cannot ask the bridge who you are \(BridgeUnreachable: .*\); trying again…$/,
    );
    bridge = await startRealBridge([{ id: 'alpha', name: 'Alpha' }], {}, port);
    await waitFor(() => expect(screen.getByText('the app')).toBeTruthy(), { timeout: 15_000 });
  }, 60_000);
});
