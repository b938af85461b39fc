/**
 * GuestLink against the real demo guest under QEMU, one boot for the whole file. Reset and the power button are
 * covered through the bridge in guest.qemu.test.ts.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GuestInfo } from '@qmpdeck/protocol';
import { QmpClient } from '@qmpdeck/qmp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../log.ts';
import { startQemu, type TestQemu } from '../testing/qemu.ts';
import { waitFor } from '../testing/wait-for.ts';
import { GuestLink } from './guest-link.ts';
import {
  AGENT_SOCKET,
  demoGuest,
  demoGuestArgs,
  NO_GUEST_REASON,
  SERIAL_SOCKET,
  typeOnSerial,
} from './testing/demo-guest.ts';

if (!demoGuest) console.warn(NO_GUEST_REASON);

/**
 * Generous on purpose: a guest boots in ~3 s on an idle machine, but TCG reboots are slower (the decompressor
 * runs several times slower after a reset) and a loaded 2-core box (load 12 seen) stretches both several-fold.
 */
const GUEST_STEP_MS = 150_000;
const BOOT_WAIT_MS = 120_000;

describe.skipIf(!demoGuest)('GuestLink with the real demo guest', () => {
  let dir: string;
  let qemu: TestQemu;
  let qmp: QmpClient;
  let link: GuestLink;
  const agentStates: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qmpdeck-guest-link-'));
    // startQemu adds -S; `cont` below starts the guest once everything listens.
    qemu = await startQemu(dir, 'qmp', demoGuestArgs(demoGuest as NonNullable<typeof demoGuest>, dir));
    qmp = await QmpClient.connect({ path: qemu.socket as string });
    link = new GuestLink({
      vmId: 'guest',
      socketPath: join(dir, AGENT_SOCKET),
      log: silentLogger(),
      onChange: () => {},
      onAgentState: (agent) => agentStates.push(agent),
    });
    link.start();
    await qmp.execute('cont');
  }, GUEST_STEP_MS);

  afterAll(async () => {
    await link?.stop();
    await qmp?.close();
    await qemu?.kill();
    await rm(dir, { recursive: true, force: true });
  });

  const info = (): GuestInfo => link.info;

  it(
    'connects when the agent first answers, then reads hostname, OS and the DHCP address',
    async () => {
      await waitFor(() => info().agent === 'connected', 'the agent to answer', BOOT_WAIT_MS);
      await waitFor(
        () => info().addresses?.some((a) => a.address === '10.0.2.15'),
        'DHCP address 10.0.2.15',
        BOOT_WAIT_MS,
      );
      expect(info()).toMatchObject({
        agent: 'connected',
        hostname: 'qmpdeck-demo',
        os: { 'kernel-release': expect.stringMatching(/-amd64$/), id: 'qmpdeck-demo' },
      });
      expect(info().addresses).toContainEqual({
        interface: 'eth0',
        address: '10.0.2.15',
        prefix: 24,
        family: 'ipv4',
      });
    },
    GUEST_STEP_MS,
  );

  it(
    "runs a person's agent command and passes the agent's own errors through",
    async () => {
      expect(await link.execute('guest-get-host-name', undefined)).toEqual({ 'host-name': 'qmpdeck-demo' });
      await expect(link.execute('guest-no-such-command', undefined)).rejects.toMatchObject({
        class: 'CommandNotFound',
      });
    },
    GUEST_STEP_MS,
  );

  it(
    'turns unavailable when the agent is stopped inside the guest, keeping its last answers as stale; QMP keeps working',
    async () => {
      await typeOnSerial(join(dir, SERIAL_SOCKET), 'killall qemu-ga');
      await waitFor(() => info().agent === 'unavailable', 'the agent to count as unavailable', BOOT_WAIT_MS);
      expect(agentStates).toEqual(['connected', 'unavailable']);
      expect(info()).toMatchObject({ agent: 'unavailable', stale: true, hostname: 'qmpdeck-demo' });
      expect(await qmp.execute('query-status')).toMatchObject({ status: 'running' });
      await expect(link.execute('guest-ping', undefined)).rejects.toMatchObject({
        class: 'GuestAgentUnavailable',
      });
    },
    GUEST_STEP_MS,
  );
});
