/**
 * Stop, as the timeline shows it: the power button while the guest runs, `quit` once the timeout passes (or at
 * once when the guest is not running to hear the button), SIGKILL when QEMU hangs; each step past the first a
 * BRIDGE_STOP_ESCALATED event caused by the stop. Real QEMUs: one paused before boot, one running firmware that
 * ignores the power button (no OS), one frozen with SIGSTOP (a hung QEMU, the only way to get one on demand).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EventRecord, Vm } from '@qmpdeck/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBridge } from '../server.ts';
import { getJson, postJson, startTestBridge } from '../testing/bridge.ts';
import { QEMU_BASE_ARGS } from '../testing/qemu.ts';
import { waitFor } from '../testing/wait-for.ts';

/** SeaBIOS with nothing to boot: a running guest that never acts on the ACPI power button. */
const NO_OS_ARGS = ['-M', 'pc', '-nodefaults', '-display', 'none', '-m', '64'];

describe('stopping a managed VM', () => {
  let dir: string;
  let bridge: RunningBridge;

  const vm = async (id: string) => Vm.parse((await getJson(bridge, `/api/vms/${id}`)).body);
  const events = async (id: string): Promise<EventRecord[]> =>
    (await getJson(bridge, `/api/vms/${id}/events?limit=1000`)).body.events;
  const escalations = async (id: string) =>
    (await events(id)).filter((e) => e.event === 'BRIDGE_STOP_ESCALATED');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bridge-stop-'));
    bridge = await startTestBridge(dir, {
      vms: [
        { id: 'paused', launch: { args: [...QEMU_BASE_ARGS] } },
        { id: 'deaf', launch: { args: NO_OS_ARGS } },
        { id: 'hung', launch: { args: [...QEMU_BASE_ARGS] } },
        { id: 'plain', qmp: { socket: join(dir, 'nobody.sock') } },
      ],
    });
    await waitFor(async () => (await vm('deaf')).status === 'running', 'deaf running');
  });

  afterAll(async () => {
    await bridge?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('quits at once a VM whose guest is not running, saying why, caused by the stop', async () => {
    await waitFor(async () => (await vm('paused')).status === 'prelaunch', 'paused up');
    const stopped = await postJson(bridge, '/api/vms/paused/stop', { origin: 'Stop button' });
    expect(stopped.status).toBe(200);
    expect(Vm.parse(stopped.body)).toMatchObject({
      connection: 'stopped',
      message: 'QEMU exited with code 0',
      process: { state: 'exited', exitCode: 0 },
    });
    const [quit, ...more] = await escalations('paused');
    expect(more).toEqual([]);
    expect(quit?.data).toMatchObject({
      step: 'quit',
      why: 'the guest is not running, so it cannot act on the power button',
    });
    expect(quit?.cause).toMatchObject({ command: 'vm.stop', origin: 'Stop button' });
    const shutdown = (await events('paused')).find((e) => e.event === 'SHUTDOWN');
    expect(shutdown?.data).toMatchObject({ reason: 'host-qmp-quit' });
  });

  it('presses the power button of a running guest, then quits once the timeout has passed', async () => {
    const stopped = await postJson(bridge, '/api/vms/deaf/stop', { timeoutMs: 300 });
    expect(Vm.parse(stopped.body)).toMatchObject({ connection: 'stopped', process: { exitCode: 0 } });
    const all = await events('deaf');
    const powerdown = all.find((e) => e.event === 'POWERDOWN');
    expect(powerdown?.cause).toMatchObject({ command: 'vm.stop' });
    const [quit] = await escalations('deaf');
    expect(quit?.data).toMatchObject({ step: 'quit', why: 'the guest did not power off within 300 ms' });
    expect(quit?.data?.afterMs).toBeGreaterThanOrEqual(300);
    expect(quit && powerdown && quit.seq > powerdown.seq).toBe(true);
  });

  it('kills a QEMU that does not quit', async () => {
    const hung = await waitFor(async () => {
      const current = await vm('hung');
      return current.status === 'prelaunch' ? current : undefined;
    }, 'hung up');
    process.kill(hung.process?.pid as number, 'SIGSTOP');
    const stopped = await postJson(bridge, '/api/vms/hung/stop', {});
    expect(Vm.parse(stopped.body)).toMatchObject({
      connection: 'stopped',
      message: 'QEMU was killed by SIGKILL',
      process: { signal: 'SIGKILL' },
    });
    expect((await escalations('hung')).map((e) => e.data)).toEqual([
      expect.objectContaining({ step: 'quit' }),
      expect.objectContaining({
        step: 'kill',
        why: expect.stringMatching(/did not quit within 5000 ms|quit failed/),
      }),
    ]);
  });

  it('answers a stopped VM as it is, and refuses a VM it does not launch and a bad timeout', async () => {
    expect(Vm.parse((await postJson(bridge, '/api/vms/paused/stop', {})).body).connection).toBe('stopped');
    expect(await postJson(bridge, '/api/vms/plain/stop', {})).toMatchObject({
      status: 409,
      body: { error: { class: 'NotManaged' } },
    });
    expect(await postJson(bridge, '/api/vms/paused/stop', { timeoutMs: -1 })).toMatchObject({
      status: 400,
      body: { error: { class: 'BadRequest', desc: expect.stringContaining('timeoutMs') } },
    });
  });
});
