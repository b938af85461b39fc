/**
 * QEMU's own `qmp-shell` (from QEMU's source tree) drives a VM through its proxy endpoint while a dashboard's
 * WebSocket client watches the same VM: both see the same QEMU events (QEMU's own timestamps), and the dashboard
 * names the shell's proxy client as the cause of its `stop`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventRecord } from '@qmpdeck/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBridge } from '../server.ts';
import { startTestBridge } from '../testing/bridge.ts';
import { startQemu, type TestQemu } from '../testing/qemu.ts';
import { waitFor } from '../testing/wait-for.ts';
import { TestWsClient } from '../testing/ws-client.ts';
import { NOT_FETCHED_REASON, qemuPython, runPython } from './testing/qemu-python.ts';

if (qemuPython === null) console.warn(NOT_FETCHED_REASON);

/** The events qmp-shell printed (Python dicts, one per line, on an empty input line). */
function shellEvents(stdout: string): { event: string; seconds: number; microseconds: number }[] {
  const pattern = /\{'timestamp': \{'seconds': (\d+), 'microseconds': (\d+)\}, 'event': '([A-Z_]+)'/g;
  return [...stdout.matchAll(pattern)].map(([, seconds, microseconds, event]) => ({
    event: event as string,
    seconds: Number(seconds),
    microseconds: Number(microseconds),
  }));
}

describe.skipIf(qemuPython === null)('qmp-shell through the QMP proxy, beside the dashboard', () => {
  let dir: string;
  let qemu: TestQemu;
  let bridge: RunningBridge;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'qmp-proxy-shell-'));
    qemu = await startQemu(dir, 'vm');
    bridge = await startTestBridge(dir, { vms: [{ id: 'vm', qmp: { socket: qemu.socket } }] });
  });

  afterAll(async () => {
    await bridge?.stop();
    await qemu?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('drives the VM, and the dashboard sees the same events with the shell as their cause', async () => {
    const socket = await waitFor(() => {
      const vm = bridge.registry.get('vm')?.snapshot();
      return vm?.connection === 'connected' && vm.qmpProxy?.socket;
    }, 'the VM connected with its endpoint');
    const dashboard = await TestWsClient.connect(bridge.url);
    dashboard.send({ type: 'subscribe', vm: 'vm' });
    await dashboard.next((m) => m.type === 'subscribed');

    // What a person types: two commands, an empty line to see the events, one more command.
    const run = await runPython([qemuPython?.qmpShell as string, socket], 'cont\nstop\n\nquery-status\n');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Connected to QEMU 7.2');
    expect(run.stdout).toContain('{"return": {"status": "paused", "singlestep": false, "running": false}}');
    const seenByShell = shellEvents(run.stdout);
    expect(seenByShell.map((e) => e.event)).toEqual(['RESUME', 'STOP']);

    const seenByDashboard = await waitFor(() => {
      const events = dashboard.messages
        .filter((m): m is { type: 'event' } & EventRecord => m.type === 'event' && m.source === 'qemu')
        .filter((m) => m.event === 'RESUME' || m.event === 'STOP');
      return events.length === 2 && events;
    }, 'RESUME and STOP on the WebSocket');
    expect(seenByDashboard.map((e) => ({ event: e.event, ...e.timestamp }))).toEqual(seenByShell);
    const stop = seenByDashboard[1] as EventRecord;
    expect(stop.cause).toMatchObject({
      command: 'stop',
      client: expect.stringMatching(/^qmp-proxy-\d+$/),
      origin: 'qmp-proxy',
      user: null,
    });
    dashboard.close();
  });
});
