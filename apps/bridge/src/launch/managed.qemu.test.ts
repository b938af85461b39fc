/**
 * Managed VMs: the bridge launches real QEMUs itself (argv only, `{dir}`
 * replaced, QMP on its own socket), kills and restarts them on request, shows a
 * missing binary as a message, and stops them with itself.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EventPage, Vm } from '@qmpdeck/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBridge } from '../server.ts';
import { getJson, postJson, startTestBridge } from '../testing/bridge.ts';
import { QEMU_BASE_ARGS } from '../testing/qemu.ts';
import { waitFor } from '../testing/wait-for.ts';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('managed QEMU processes', () => {
  let dir: string;
  let bridge: RunningBridge;

  async function vm(id: string): Promise<Vm> {
    return Vm.parse((await getJson(bridge, `/api/vms/${id}`)).body);
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bridge-managed-'));
    bridge = await startTestBridge(dir, {
      vms: [
        { id: 'm1', name: 'Managed', launch: { args: [...QEMU_BASE_ARGS, '-pidfile', '{dir}/qemu.pid'] } },
        { id: 'broken', launch: { binary: join(dir, 'no-such-qemu'), args: [] } },
        {
          id: 'misconfigured',
          launch: { args: ['-M', 'no-such-machine', '-nodefaults', '-display', 'none'] },
        },
        { id: 'plain', qmp: { socket: join(dir, 'nobody.sock') } },
      ],
    });
    await waitFor(async () => (await vm('m1')).status === 'prelaunch', 'm1 connected');
  });

  afterAll(async () => {
    await bridge?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('launches QEMU with {dir} replaced by its private runtime directory', async () => {
    const m1 = await vm('m1');
    expect(m1).toMatchObject({ managed: true, connection: 'connected', process: { state: 'running' } });
    const process = bridge.registry.get('m1')?.process;
    expect(process?.dir.startsWith(dir)).toBe(true);
    expect(Number(readFileSync(join(process?.dir ?? '', 'qemu.pid'), 'utf8'))).toBe(m1.process?.pid);
  });

  it('shows a missing binary as a message and keeps serving', async () => {
    const broken = await vm('broken');
    expect(broken).toMatchObject({ connection: 'disconnected', process: { state: 'failed' } });
    expect(broken.message).toMatch(/not found: install QEMU/);
    expect((await postJson(bridge, '/api/vms/broken/start', {})).status).toBe(200);
  });

  it("says why a QEMU that quit at start did, in QEMU's own words", async () => {
    const quit = await waitFor(async () => {
      const current = await vm('misconfigured');
      return current.process?.state === 'exited' ? current : undefined;
    }, 'the misconfigured QEMU to quit');
    expect(quit).toMatchObject({ connection: 'disconnected', process: { exitCode: 1 } });
    expect(quit.message).toBe(
      'QEMU exited with code 1: qemu-system-x86_64: unsupported machine type Use -machine help to list supported machines',
    );
  });

  it('refuses start and kill for a VM it does not launch', async () => {
    for (const action of ['start', 'kill']) {
      expect(await postJson(bridge, `/api/vms/plain/${action}`, {})).toMatchObject({
        status: 409,
        body: { error: { class: 'NotManaged' } },
      });
    }
  });

  it('kills with SIGKILL and starts again', async () => {
    const pid = (await vm('m1')).process?.pid as number;
    const killed = await postJson(bridge, '/api/vms/m1/kill', {});
    expect(killed.status).toBe(200);
    expect(Vm.parse(killed.body)).toMatchObject({
      connection: 'disconnected',
      status: null,
      process: { state: 'exited', signal: 'SIGKILL' },
    });
    expect(isAlive(pid)).toBe(false);

    const started = await postJson(bridge, '/api/vms/m1/start', {});
    expect(Vm.parse(started.body).process).toMatchObject({ state: 'running' });
    await waitFor(async () => (await vm('m1')).status === 'prelaunch', 'm1 back');
    const { events } = (await getJson(bridge, '/api/vms/m1/events?limit=100')).body as EventPage;
    const names = events.map((e) => e.event);
    expect(names.slice(0, 2)).toEqual(['BRIDGE_PROCESS_STARTED', 'BRIDGE_CONNECTED']);
    // The socket's close and the process's exit race; both must be there, in either order.
    expect(names.slice(2, 4).sort()).toEqual(['BRIDGE_DISCONNECTED', 'BRIDGE_PROCESS_EXITED']);
    expect(names.slice(4)).toEqual(['BRIDGE_PROCESS_STARTED', 'BRIDGE_CONNECTED']);
  });

  it('stops its QEMUs and removes their directories when the bridge stops', async () => {
    const pid = (await vm('m1')).process?.pid as number;
    const runtimeDir = bridge.registry.get('m1')?.process?.dir as string;
    await bridge.stop();
    expect(isAlive(pid)).toBe(false);
    expect(existsSync(runtimeDir)).toBe(false);
  });
});
