/**
 * Causes against real QEMU: a command is named only for events it can produce (the cause table), the guest's
 * own RESET after `system_reset` (its firmware's) is nobody's command, and the first RESUME out of `prelaunch`
 * says so (`data.statusBefore`), so a first boot does not read as "running again".
 * The reset waits for SeaBIOS's POST to begin: only then does the firmware send that RESET (seabios-log.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventPage, EventRecord } from '@qmpdeck/protocol';
import { seabiosBeganPost, seabiosLogArgs } from '@qmpdeck/qmp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBridge } from '../server.ts';
import { getJson, postJson, startTestBridge } from '../testing/bridge.ts';
import { startQemu, type TestQemu } from '../testing/qemu.ts';
import { waitFor } from '../testing/wait-for.ts';

describe('event causes', () => {
  let dir: string;
  let qemu: TestQemu;
  let bridge: RunningBridge;
  let firmwareLog: string;

  const events = async (): Promise<EventRecord[]> =>
    ((await getJson(bridge, '/api/vms/alpha/events?limit=1000')).body as EventPage).events;
  const run = (execute: string, args?: Record<string, unknown>) =>
    postJson(bridge, '/api/vms/alpha/execute', { execute, arguments: args, origin: `${execute} test` });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bridge-causes-'));
    firmwareLog = join(dir, 'seabios.log');
    qemu = await startQemu(dir, 'alpha', [
      '-drive',
      'if=ide,media=cdrom,id=cd0',
      ...seabiosLogArgs(firmwareLog),
    ]);
    bridge = await startTestBridge(dir, { vms: [{ id: 'alpha', qmp: { socket: qemu.socket as string } }] });
    await waitFor(() => bridge.registry.get('alpha')?.status === 'prelaunch', 'alpha connected');
  });

  afterAll(async () => {
    await bridge?.stop();
    await qemu?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('marks the first RESUME as out of prelaunch, and a later one as out of paused', async () => {
    await run('cont');
    await waitFor(() => bridge.registry.get('alpha')?.status === 'running', 'running');
    await run('stop');
    await waitFor(() => bridge.registry.get('alpha')?.status === 'paused', 'paused');
    await run('cont');
    await waitFor(() => bridge.registry.get('alpha')?.status === 'running', 'running again');
    const resumes = (await events()).filter((event) => event.event === 'RESUME');
    expect(resumes.map((event) => [event.data, event.cause?.command])).toEqual([
      [{ statusBefore: 'prelaunch' }, 'cont'],
      [{ statusBefore: 'paused' }, 'cont'],
    ]);
  });

  it("names system_reset for the host's RESET only, not for the firmware's own RESET right after", async () => {
    if (bridge.registry.get('alpha')?.status !== 'running') await run('cont');
    await waitFor(() => seabiosBeganPost(firmwareLog), 'the firmware began its POST');
    expect((await run('system_reset')).status).toBe(200);
    const resets = await waitFor(async () => {
      const found = (await events()).filter((event) => event.event === 'RESET');
      return found.length >= 2 ? found : undefined;
    }, 'the host RESET and the guest RESET');
    expect(resets[0]).toMatchObject({
      data: { guest: false, reason: 'host-qmp-system-reset' },
      cause: { command: 'system_reset', origin: 'system_reset test' },
    });
    expect(resets[1]).toMatchObject({ data: { guest: true }, cause: null });
  });

  it('names eject for the tray it moved', async () => {
    await run('eject', { device: 'cd0' });
    const tray = await waitFor(
      async () => (await events()).find((event) => event.event === 'DEVICE_TRAY_MOVED'),
      'the tray',
    );
    expect(tray.cause).toMatchObject({ command: 'eject', arguments: { device: 'cd0' } });
  });
});
