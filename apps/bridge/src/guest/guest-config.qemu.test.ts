/**
 * The `qga` config: a VM whose config names an agent socket gets a guest link (unavailable while no agent
 * answers: these QEMUs have no guest at all), one without gets `guest: null`, and `qga: false` keeps a managed
 * VM's launch free of the agent channel. Needs no guest image.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.ts';
import { commandLineOf } from '../launch/process-probe.ts';
import type { RunningBridge } from '../server.ts';
import { getJson, postJson, startTestBridge } from '../testing/bridge.ts';
import { startQemu, type TestQemu } from '../testing/qemu.ts';
import { waitFor } from '../testing/wait-for.ts';
import { agentChannelArgs } from './agent-channel.ts';

describe('guest agent config', () => {
  let dir: string;
  const qemus: TestQemu[] = [];
  let bridge: RunningBridge;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qmpdeck-guest-config-'));
    const withChannel = await startQemu(dir, 'with-agent', agentChannelArgs(join(dir, 'agent.sock')));
    const plain = await startQemu(dir, 'plain');
    qemus.push(withChannel, plain);
    bridge = await startTestBridge(dir, {
      vms: [
        {
          id: 'with-agent',
          qmp: { socket: withChannel.socket as string },
          qga: { socket: join(dir, 'agent.sock') },
        },
        { id: 'plain', qmp: { socket: plain.socket as string } },
        {
          id: 'opted-out',
          launch: { args: ['-M', 'pc', '-S', '-nodefaults', '-display', 'none', '-m', '64'] },
          qga: false,
        },
      ],
    });
    await waitFor(() => bridge.registry.get('plain')?.status, 'plain connected');
  });

  afterAll(async () => {
    await bridge?.stop();
    for (const qemu of qemus) await qemu.kill();
    await rm(dir, { recursive: true, force: true });
  });

  it('links the configured socket and reports the silent agent as unavailable', async () => {
    const vm = (await getJson(bridge, '/api/vms/with-agent')).body;
    expect(vm.guest).toEqual({ agent: 'unavailable' });
    const guest = await postJson(bridge, '/api/vms/with-agent/guest/execute', { execute: 'guest-info' });
    expect(guest.status).toBe(503);
    expect(guest.body.error.class).toBe('GuestAgentUnavailable');
  });

  it('gives a VM without qga no guest field, and says why its guest commands cannot run', async () => {
    expect((await getJson(bridge, '/api/vms/plain')).body.guest).toBeNull();
    const guest = await postJson(bridge, '/api/vms/plain/guest/execute', { execute: 'guest-info' });
    expect(guest.status).toBe(503);
    expect(guest.body.error).toEqual({
      class: 'GuestAgentUnavailable',
      desc: 'VM "plain" has no guest agent channel (config "qga")',
    });
  });

  it('launches a managed VM with qga false without the agent channel, and gives it no guest field', async () => {
    await waitFor(() => bridge.registry.get('opted-out')?.status, 'opted-out connected');
    const vm = bridge.registry.require('opted-out');
    expect(vm.snapshot().guest).toBeNull();
    // QEMU's real command line, as the kernel has it.
    const argv = commandLineOf(vm.process?.pid as number);
    expect(argv).toContain('-qmp');
    expect(argv?.join(' ')).not.toContain('org.qemu.guest_agent.0');
  });

  it('rejects a qga entry without a socket, naming the field', () => {
    expect(() => parseConfig({ vms: [{ id: 'bad', qmp: { socket: '/x' }, qga: {} }] })).toThrow(
      'vms[0].qga: expected { "socket": PATH } or false',
    );
  });
});
