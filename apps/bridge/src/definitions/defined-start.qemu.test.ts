/**
 * Defined VMs as a bridge starts them, with real QEMU: the stored definitions are loaded again by the next bridge
 * (a broken file is skipped, not fatal), a VM with autostart starts with it and one without stays stopped, and a
 * start QEMU refuses answers with QEMU's own words in the VM's message.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBridge } from '../server.ts';
import { getJson, postJson, startTestBridge } from '../testing/bridge.ts';
import { waitFor } from '../testing/wait-for.ts';

/** No guest needed: firmware with nothing to boot, no display, TCG (a /dev/kvm that opens may still fail). */
const MACHINE = { memoryMiB: 64, display: 'none', nics: [], serial: false, guestAgent: false } as const;

describe('defined VMs at bridge start, with real QEMU', () => {
  let dir: string;
  let bridge: RunningBridge | undefined;
  const start = async () => {
    bridge = await startTestBridge(dir, { accelerators: ['tcg'] });
    return bridge;
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'bridge-defined-start-'));
  });

  afterAll(async () => {
    await bridge?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers a start QEMU refuses with QEMU's own message", async () => {
    const running = await start();
    const created = await postJson(running, '/api/vms', {
      id: 'broken',
      ...MACHINE,
      extraArgs: ['-device', 'no-such-device-x'],
    });
    expect(created.status).toBe(201);
    const started = await postJson(running, '/api/vms/broken/start', {});
    expect(started.status).toBe(200);
    expect(['failed', 'exited']).toContain(started.body.process.state);
    expect(started.body.message).toContain("'no-such-device-x' is not a valid device model name");
  });

  it('loads the definitions again, skipping a broken file; starts the autostart VMs and only those', async () => {
    const running = bridge as RunningBridge;
    expect((await postJson(running, '/api/vms', { id: 'auto', ...MACHINE, autostart: true })).status).toBe(
      201,
    );
    expect((await postJson(running, '/api/vms', { id: 'manual', ...MACHINE })).status).toBe(201);
    // Made while the bridge runs: listed, not started, autostart or not.
    expect((await getJson(running, '/api/vms/auto')).body.process?.state ?? 'exited').toBe('exited');
    await running.stop();
    bridge = undefined;
    writeFileSync(join(dir, 'vms', 'garbage.json'), '{ "id": "garbage", ');
    const next = await start();
    const vms = (await getJson(next, '/api/vms')).body as { id: string; origin: string }[];
    expect(vms.map((vm) => `${vm.id}:${vm.origin}`).sort()).toEqual([
      'auto:defined',
      'broken:defined',
      'manual:defined',
    ]);
    const auto = await waitFor(async () => {
      const vm = (await getJson(next, '/api/vms/auto')).body;
      return vm.connection === 'connected' ? vm : undefined;
    }, 'auto started with the bridge');
    expect(auto).toMatchObject({ autostart: true, process: { state: 'running' } });
    expect((await getJson(next, '/api/vms/manual')).body).toMatchObject({
      autostart: false,
      connection: 'stopped',
    });
  });
});
