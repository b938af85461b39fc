/**
 * Guest agent support through the bridge, against the real demo guest as a managed VM (the bridge adds the agent
 * channel itself) beside a managed VM with no operating system. One guest boot for the whole file.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventRecord, Vm } from '@qmpdeck/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBridge } from '../server.ts';
import { getJson, postJson, startTestBridge } from '../testing/bridge.ts';
import { typeOnBridgeSerial } from '../testing/console-ws.ts';
import { waitFor } from '../testing/wait-for.ts';
import { TestWsClient } from '../testing/ws-client.ts';
import {
  demoGuest,
  demoGuestBaseArgs,
  NO_GUEST_REASON,
  SERIAL_SOCKET,
  serialArgs,
} from './testing/demo-guest.ts';

if (!demoGuest) console.warn(NO_GUEST_REASON);

/**
 * Generous on purpose: a guest boots in ~3 s on an idle machine, but TCG reboots are slower (the decompressor
 * runs several times slower after a reset) and a loaded 2-core box (load 12 seen) stretches both several-fold.
 */
const GUEST_STEP_MS = 150_000;
const BOOT_WAIT_MS = 120_000;

describe.skipIf(!demoGuest)('guest agent through the bridge', () => {
  let dir: string;
  let bridge: RunningBridge;
  let ws: TestWsClient;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qmpdeck-guest-'));
    const guest = demoGuest as NonNullable<typeof demoGuest>;
    bridge = await startTestBridge(dir, {
      vms: [
        {
          id: 'linux',
          launch: { args: [...demoGuestBaseArgs(guest), ...serialArgs(`{dir}/${SERIAL_SOCKET}`)] },
        },
        { id: 'no-os', launch: { args: ['-M', 'pc', '-S', '-nodefaults', '-display', 'none', '-m', '64'] } },
      ],
    });
    ws = await TestWsClient.connect(bridge.url);
  }, GUEST_STEP_MS);

  afterAll(async () => {
    ws?.close();
    await bridge?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const vm = async (id: string): Promise<Vm> => (await getJson(bridge, `/api/vms/${id}`)).body as Vm;
  const events = async (id: string): Promise<EventRecord[]> =>
    (await getJson(bridge, `/api/vms/${id}/events?limit=1000`)).body.events as EventRecord[];

  it(
    'shows the hostname and the DHCP address once the agent answers, and pushes them in vm messages',
    async () => {
      await waitFor(
        async () => (await vm('linux')).guest?.agent === 'connected',
        'the agent to answer',
        BOOT_WAIT_MS,
      );
      await waitFor(
        async () => (await vm('linux')).guest?.addresses?.some((a) => a.address === '10.0.2.15'),
        '10.0.2.15 in the VM object',
        BOOT_WAIT_MS,
      );
      expect((await vm('linux')).guest).toMatchObject({
        agent: 'connected',
        hostname: 'qmpdeck-demo',
        os: { id: 'qmpdeck-demo' },
      });
      const pushed = await ws.next(
        (m) => m.type === 'vm' && m.vm.id === 'linux' && m.vm.guest?.hostname === 'qmpdeck-demo',
      );
      expect(pushed).toBeDefined();
      expect((await events('linux')).map((e) => e.event)).toContain('BRIDGE_GUEST_AGENT_CONNECTED');
    },
    GUEST_STEP_MS,
  );

  it(
    "runs guest commands over HTTP and WebSocket, with the agent's errors and bad input answered clearly",
    async () => {
      const ok = await postJson(bridge, '/api/vms/linux/guest/execute', { execute: 'guest-get-host-name' });
      expect(ok).toEqual({ status: 200, body: { return: { 'host-name': 'qmpdeck-demo' } } });
      const unknown = await postJson(bridge, '/api/vms/linux/guest/execute', { execute: 'guest-no-such' });
      expect(unknown.status).toBe(400);
      expect(unknown.body.error.class).toBe('CommandNotFound');
      const notGuest = await postJson(bridge, '/api/vms/linux/guest/execute', { execute: 'query-status' });
      expect(notGuest.status).toBe(400);
      expect(notGuest.body.error.class).toBe('BadRequest');
      const garbage = await postJson(bridge, '/api/vms/linux/guest/execute', '{"execute":');
      expect(garbage.status).toBe(400);
      ws.send({ type: 'execute', id: 7, vm: 'linux', target: 'guest', execute: 'guest-get-host-name' });
      const result = await ws.next((m) => m.type === 'result' && m.id === 7);
      expect(result).toMatchObject({ return: { 'host-name': 'qmpdeck-demo' } });
    },
    GUEST_STEP_MS,
  );

  it(
    "counts a paused guest's agent as unavailable, keeps what it said as stale, and hears it again right after cont",
    async () => {
      expect((await postJson(bridge, '/api/vms/linux/execute', { execute: 'stop' })).status).toBe(200);
      await waitFor(
        async () => (await vm('linux')).guest?.agent === 'unavailable',
        'agent silent while paused',
        BOOT_WAIT_MS,
      );
      // The guest did not change while paused: its hostname and address stay on screen, marked stale.
      expect((await vm('linux')).guest).toMatchObject({
        agent: 'unavailable',
        stale: true,
        hostname: 'qmpdeck-demo',
        addresses: expect.arrayContaining([expect.objectContaining({ address: '10.0.2.15' })]),
      });
      expect((await postJson(bridge, '/api/vms/linux/execute', { execute: 'cont' })).status).toBe(200);
      await waitFor(
        async () => (await vm('linux')).guest?.agent === 'connected',
        'agent after cont',
        BOOT_WAIT_MS,
      );
    },
    GUEST_STEP_MS,
  );

  it(
    'reports a VM with no agent as unavailable (503) while its QMP commands work',
    async () => {
      expect((await vm('no-os')).guest).toEqual({ agent: 'unavailable' });
      const guest = await postJson(bridge, '/api/vms/no-os/guest/execute', { execute: 'guest-ping' });
      expect(guest.status).toBe(503);
      expect(guest.body.error.class).toBe('GuestAgentUnavailable');
      const qmp = await postJson(bridge, '/api/vms/no-os/execute', { execute: 'query-status' });
      expect(qmp).toMatchObject({ status: 200, body: { return: { status: 'prelaunch' } } });
    },
    GUEST_STEP_MS,
  );

  it(
    'forgets the last known guest values on system_reset, and hears the agent again after it',
    async () => {
      const before = ws.messages.length;
      const seqBefore = (await getJson(bridge, '/api/vms/linux/events?limit=1')).body.lastSeq as number;
      expect((await postJson(bridge, '/api/vms/linux/execute', { execute: 'system_reset' })).status).toBe(
        200,
      );
      // A reset guest may come back otherwise: nothing stale is kept.
      await waitFor(
        () =>
          ws.messages
            .slice(before)
            .some(
              (m) =>
                m.type === 'vm' &&
                m.vm.id === 'linux' &&
                m.vm.guest?.agent === 'unavailable' &&
                m.vm.guest.hostname === undefined,
            ),
        'the guest values cleared',
        BOOT_WAIT_MS,
      );
      await waitFor(
        async () => (await vm('linux')).guest?.agent === 'connected',
        'the agent after reset',
        BOOT_WAIT_MS,
      );
      expect((await vm('linux')).guest?.hostname).toBe('qmpdeck-demo');
      // Every event since the reset, however many a slow boot brings: the last 20 missed it once on a loaded host.
      const page = await getJson(bridge, `/api/vms/linux/events?after=${seqBefore}&limit=1000`);
      const sinceReset = (page.body.events as EventRecord[]).map((record) => [
        record.event,
        record.data?.desc,
      ]);
      expect(sinceReset).toContainEqual(['BRIDGE_GUEST_AGENT_UNAVAILABLE', 'the guest restarted']);
    },
    GUEST_STEP_MS,
  );

  it(
    'turns unavailable when the agent is stopped from the serial console; QMP keeps working',
    async () => {
      // The bridge holds the serial port (QEMU serves one client), so type through it as a person would.
      await typeOnBridgeSerial(bridge.url, 'linux', 'serial0', 'killall qemu-ga');
      await waitFor(
        async () => (await vm('linux')).guest?.agent === 'unavailable',
        'agent unavailable',
        BOOT_WAIT_MS,
      );
      const qmp = await postJson(bridge, '/api/vms/linux/execute', { execute: 'query-status' });
      expect(qmp).toMatchObject({ status: 200, body: { return: { status: 'running' } } });
      const guest = await postJson(bridge, '/api/vms/linux/guest/execute', { execute: 'guest-ping' });
      expect(guest.body.error.class).toBe('GuestAgentUnavailable');
      expect((await events('linux')).map((e) => e.event)).toContain('BRIDGE_GUEST_AGENT_UNAVAILABLE');
    },
    GUEST_STEP_MS,
  );

  it(
    'ends system_powerdown with SHUTDOWN from the guest itself',
    async () => {
      expect((await postJson(bridge, '/api/vms/linux/execute', { execute: 'system_powerdown' })).status).toBe(
        200,
      );
      const shutdown = await waitFor(
        async () => (await events('linux')).find((e) => e.event === 'SHUTDOWN'),
        'SHUTDOWN',
        BOOT_WAIT_MS,
      );
      expect(shutdown.data).toEqual({ guest: true, reason: 'guest-shutdown' });
    },
    GUEST_STEP_MS,
  );

  it(
    'boots again when started, and powers off through the agent with guest-shutdown',
    async () => {
      await waitFor(
        async () => (await vm('linux')).process?.state === 'exited',
        'QEMU to exit after the shutdown',
      );
      expect((await postJson(bridge, '/api/vms/linux/start', {})).status).toBeLessThan(300);
      await waitFor(
        async () => (await vm('linux')).guest?.agent === 'connected',
        'the agent after start',
        BOOT_WAIT_MS,
      );
      const shutdown = await postJson(bridge, '/api/vms/linux/guest/execute', { execute: 'guest-shutdown' });
      expect(shutdown).toEqual({ status: 200, body: { return: {} } });
      const shutdowns = await waitFor(
        async () => {
          const found = (await events('linux')).filter((e) => e.event === 'SHUTDOWN');
          return found.length === 2 ? found : null;
        },
        'a second SHUTDOWN',
        BOOT_WAIT_MS,
      );
      expect(shutdowns[1]?.data).toEqual({ guest: true, reason: 'guest-shutdown' });
      const agentGone = (await events('linux'))
        .filter((e) => e.event === 'BRIDGE_GUEST_AGENT_UNAVAILABLE')
        .at(-1);
      expect(agentGone?.data).toEqual({ desc: 'the guest shut down' });
    },
    GUEST_STEP_MS,
  );
});
