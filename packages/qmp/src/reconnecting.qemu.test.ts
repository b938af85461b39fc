import { afterEach, describe, expect, it } from 'vitest';
import { QmpClient } from './client.ts';
import { QmpBusyError, QmpConnectionClosed } from './errors.ts';
import {
  ReconnectingQmpClient,
  type ReconnectingState,
  type ReconnectingStateDetail,
} from './reconnecting.ts';
import { startQemu, type TestQemu, waitFor } from './testing/qemu.ts';

describe('ReconnectingQmpClient against real QEMU', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('reconnects after QEMU restarts on the same socket and forwards events', async () => {
    let qemu: TestQemu = await startQemu();
    const dir = qemu.dir;
    cleanups.push(() => qemu.dispose());
    const states: [ReconnectingState, ReconnectingStateDetail][] = [];
    const supervisor = new ReconnectingQmpClient(
      { path: qemu.qmpPath },
      { minDelayMs: 20, maxDelayMs: 200, onStateChange: (s, d) => states.push([s, d]) },
    );
    cleanups.push(() => supervisor.stop());
    const events: string[] = [];
    supervisor.on('event', (e) => events.push(e.event));
    supervisor.start();
    await waitFor(() => supervisor.state === 'connected', 'first connection', 10_000);
    expect(states.map(([s]) => s)).toEqual(['connecting', 'connected']);
    expect(states[1]?.[1].client).toBe(supervisor.client);

    await qemu.kill();
    await waitFor(() => supervisor.state !== 'connected', 'disconnection', 10_000);
    await expect(supervisor.execute('query-status')).rejects.toBeInstanceOf(QmpConnectionClosed);
    const disconnected = states.find(([s]) => s === 'disconnected');
    expect(disconnected?.[1].error).toBeInstanceOf(QmpConnectionClosed);

    qemu = await startQemu({ dir });
    await waitFor(() => supervisor.state === 'connected', 'reconnection', 15_000);
    await supervisor.execute('cont');
    await waitFor(() => events.includes('RESUME'), 'RESUME event', 5000);
    await expect(supervisor.execute('query-status')).resolves.toMatchObject({ status: 'running' });

    await supervisor.stop();
    expect(supervisor.state).toBe('disconnected');
    expect(supervisor.client).toBeNull();
  });

  it('reports MonitorBusy in the state detail while another client holds the monitor', async () => {
    const qemu = await startQemu();
    cleanups.push(() => qemu.dispose());
    const holder = await QmpClient.connect({ path: qemu.qmpPath });
    cleanups.push(() => holder.close());
    const errors: unknown[] = [];
    const supervisor = new ReconnectingQmpClient(
      { path: qemu.qmpPath },
      {
        greetingTimeoutMs: 200,
        minDelayMs: 20,
        maxDelayMs: 100,
        onStateChange: (_s, d) => {
          if (d.error) errors.push(d.error);
        },
      },
    );
    cleanups.push(() => supervisor.stop());
    supervisor.start();
    // Past the first attempt the abandoned connection fills QEMU's listen backlog and connects fail with
    // EAGAIN: those retries must still read as busy, not as a lost VM.
    await waitFor(() => errors.length >= 4, 'several busy retries', 10_000);
    for (const error of errors) expect(error).toBeInstanceOf(QmpBusyError);
    await holder.close();
    await waitFor(() => supervisor.state === 'connected', 'connection once the monitor is free', 10_000);
  });
});
