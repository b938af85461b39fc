/**
 * Every path to a VM runs through the one command pipeline: with a policy that refuses everything, HTTP execute,
 * guest execute, WebSocket execute (QMP and guest), start, kill and the schema route all answer the refusal, and
 * QEMU never sees the command (a refused `stop` leaves the VM running, a refused kill leaves QEMU alive). Every
 * attempt reaches the audit.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventPage } from '@qmpdeck/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBridge } from '../server.ts';
import { getJson, postJson, startTestBridge } from '../testing/bridge.ts';
import { QEMU_BASE_ARGS } from '../testing/qemu.ts';
import { waitFor } from '../testing/wait-for.ts';
import { TestWsClient } from '../testing/ws-client.ts';
import type { CommandRecord } from './command-audit.ts';
import type { CommandPolicy } from './command-policy.ts';

describe('the command pipeline with a policy that refuses everything', () => {
  let dir: string;
  let bridge: RunningBridge;
  let refuse = false;
  const audited: CommandRecord[] = [];
  const policy: CommandPolicy = {
    decide: () =>
      refuse ? { allowed: false, desc: 'the test policy refuses everything' } : { allowed: true },
  };

  const isAlive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bridge-pipeline-'));
    bridge = await startTestBridge(
      dir,
      {
        vms: [
          { id: 'running', launch: { args: [...QEMU_BASE_ARGS] } },
          { id: 'off', launch: { args: [...QEMU_BASE_ARGS], autostart: false } },
        ],
      },
      { policy, audit: { record: (entry) => audited.push(entry) } },
    );
    await waitFor(() => bridge.registry.get('running')?.status === 'prelaunch', 'running connected');
    expect((await postJson(bridge, '/api/vms/running/execute', { execute: 'cont' })).status).toBe(200);
    await waitFor(() => bridge.registry.get('running')?.status === 'running', 'running running');
    refuse = true;
  });

  afterAll(async () => {
    await bridge?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const forbidden = { error: { class: 'Forbidden', desc: 'the test policy refuses everything' } };

  it('refuses HTTP execute, guest execute, start, kill and the schema fetch with 403', async () => {
    const pid = bridge.registry.get('running')?.process?.info.pid as number;
    expect(await postJson(bridge, '/api/vms/running/execute', { execute: 'stop' })).toEqual({
      status: 403,
      body: forbidden,
    });
    expect(await postJson(bridge, '/api/vms/running/guest/execute', { execute: 'guest-ping' })).toEqual({
      status: 403,
      body: forbidden,
    });
    expect(await postJson(bridge, '/api/vms/running/kill', {})).toEqual({ status: 403, body: forbidden });
    expect(await postJson(bridge, '/api/vms/off/start', {})).toEqual({ status: 403, body: forbidden });
    expect(await getJson(bridge, '/api/vms/running/schema')).toEqual({ status: 403, body: forbidden });
    expect(isAlive(pid)).toBe(true);
    expect(bridge.registry.get('off')?.process?.running).toBe(false);
  });

  it('refuses WebSocket execute, to QMP and to the guest agent', async () => {
    const ws = await TestWsClient.connect(bridge.url);
    try {
      for (const target of ['qmp', 'guest'] as const) {
        const execute = target === 'qmp' ? 'stop' : 'guest-ping';
        expect(await ws.request({ type: 'execute', id: target, vm: 'running', execute, target })).toEqual({
          type: 'result',
          id: target,
          ...forbidden,
        });
      }
    } finally {
      ws.close();
    }
  });

  it('never let a refused command reach QEMU, and audited every attempt as refused', async () => {
    const { events } = (await getJson(bridge, '/api/vms/running/events?limit=1000')).body as EventPage;
    expect(events.map((event) => event.event)).not.toContain('STOP');
    refuse = false;
    const status = await postJson(bridge, '/api/vms/running/execute', { execute: 'query-status' });
    expect(status.body).toMatchObject({ return: { status: 'running', running: true } });
    const refusals = audited.filter((entry) => entry.outcome === 'refused');
    expect(refusals.map((entry) => `${entry.request.target} ${entry.request.command}`).sort()).toEqual([
      'bridge vm.kill',
      'bridge vm.start',
      'guest guest-ping',
      'guest guest-ping',
      'qmp query-qmp-schema',
      'qmp stop',
      'qmp stop',
    ]);
    expect(refusals.every((entry) => entry.error?.class === 'Forbidden')).toBe(true);
    expect(audited.at(-1)).toMatchObject({ outcome: 'ok', request: { command: 'query-status' } });
  });
});
