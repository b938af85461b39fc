/**
 * Graceful stop: commands already in flight are answered, later ones are refused
 * with `ShuttingDown`, clients are told (1001), and the database is closed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventStore } from './events/event-store.ts';
import { startTestBridge } from './testing/bridge.ts';
import { startQemu, type TestQemu } from './testing/qemu.ts';
import { waitFor } from './testing/wait-for.ts';
import { TestWsClient } from './testing/ws-client.ts';

describe('graceful stop', () => {
  let dir: string;
  let qemu: TestQemu;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bridge-stop-'));
    qemu = await startQemu(dir, 'alpha');
  });

  afterAll(async () => {
    await qemu?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers the command in flight, refuses new ones, says goodbye and closes the database', async () => {
    const bridge = await startTestBridge(dir, {
      vms: [{ id: 'alpha', qmp: { socket: qemu.socket as string } }],
    });
    await waitFor(() => bridge.registry.get('alpha')?.status, 'alpha connected');
    const ws = await TestWsClient.connect(bridge.url);
    ws.send({ type: 'subscribe', vm: 'alpha' });
    await ws.next((m) => m.type === 'subscribed');

    // QEMU frozen with SIGSTOP holds the command in flight for as long as the test needs, so the late
    // command surely arrives while the bridge is stopping (a fast reply would let it close first).
    process.kill(qemu.pid, 'SIGSTOP');
    let stopped: Promise<void> | undefined;
    try {
      ws.send({ type: 'execute', id: 'in-flight', vm: 'alpha', execute: 'query-qmp-schema' });
      await ws.next((m) => m.type === 'inflight' && m.commands.length === 1);
      stopped = bridge.stop();
      ws.send({ type: 'execute', id: 'too-late', vm: 'alpha', execute: 'query-status' });
      await ws.next((m) => m.type === 'result' && m.id === 'too-late');
    } finally {
      process.kill(qemu.pid, 'SIGCONT');
    }
    await stopped;

    const answered = ws.messages.find((m) => m.type === 'result' && m.id === 'in-flight');
    expect(answered).toMatchObject({ return: expect.any(Array) });
    const refused = ws.messages.find((m) => m.type === 'result' && m.id === 'too-late');
    expect(refused).toMatchObject({ error: { class: 'ShuttingDown' } });
    await waitFor(() => ws.closed, 'the client closed');
    expect(ws.closeCode).toBe(1001);

    // Closed cleanly: the file opens again and the disconnect was recorded last.
    const store = new EventStore(join(dir, 'events.db'));
    expect(store.latest('alpha')?.event).toBe('BRIDGE_DISCONNECTED');
    store.close();
  });
});
