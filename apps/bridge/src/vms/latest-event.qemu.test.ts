/**
 * A VM's `latestEvent` reaches every client in `vm` messages, without subscribing to its events: pushed at most
 * about once a second per VM when nothing else changed, the newest always last; the guest agent's comings and
 * goings are not news and stay out of it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VmMessage } from '@qmpdeck/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBridge } from '../server.ts';
import { startTestBridge } from '../testing/bridge.ts';
import { startQemu, type TestQemu } from '../testing/qemu.ts';
import { waitFor } from '../testing/wait-for.ts';
import { TestWsClient } from '../testing/ws-client.ts';

/** The default is a second; the throttle is the same at any interval. */
const PUSH_MS = 300;

describe('latestEvent in vm messages', () => {
  let dir: string;
  let qemu: TestQemu;
  let bridge: RunningBridge;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bridge-latest-'));
    qemu = await startQemu(dir, 'alpha');
    bridge = await startTestBridge(
      dir,
      // No usage sampling: a usage sample's push would share the interval this test counts pushes in.
      { vms: [{ id: 'alpha', qmp: { socket: qemu.socket as string } }], metrics: { enabled: false } },
      { latestEventPushMs: PUSH_MS },
    );
    await waitFor(() => bridge.registry.get('alpha')?.status === 'prelaunch', 'alpha connected');
  });

  afterAll(async () => {
    await bridge?.stop();
    await qemu?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('pushes a burst of events as at most two vm messages per interval, the newest last; agent news left out', async () => {
    const ws = await TestWsClient.connect(bridge.url);
    try {
      // Past the push that connecting caused, so the burst starts a fresh interval.
      await new Promise((resolve) => setTimeout(resolve, PUSH_MS));
      const vm = bridge.registry.require('alpha');
      const pushes = () =>
        ws.messages.filter(
          (m): m is VmMessage => m.type === 'vm' && m.vm.latestEvent?.event === 'BRIDGE_FILLER',
        );
      const record = (i: number) => vm.recorder.recordBridgeEvent({ event: 'BRIDGE_FILLER', data: { i } });
      for (let i = 0; i < 10; i++) record(i);
      await new Promise((resolve) => setTimeout(resolve, PUSH_MS / 4));
      for (let i = 10; i < 20; i++) record(i);
      vm.recorder.recordBridgeEvent({ event: 'BRIDGE_GUEST_AGENT_CONNECTED' });
      const newest = bridge.store.lastSeq('alpha') - 1;
      await waitFor(() => pushes().at(-1)?.vm.latestEvent?.seq === newest, 'the newest filler pushed', 5000);
      // The first event goes out at once, the rest of the burst once the interval is over: two messages, not 20.
      expect(pushes()).toHaveLength(2);
      expect(ws.messages.some((m) => m.type === 'event')).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, PUSH_MS + 200));
      expect(pushes()).toHaveLength(2);
      expect(vm.snapshot().latestEvent).toMatchObject({ seq: newest, event: 'BRIDGE_FILLER' });
    } finally {
      ws.close();
    }
  });
});
