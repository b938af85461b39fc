/**
 * The consoles against the real demo guest (a managed VM with a VGA screen, VNC on a unix socket and its serial
 * shell on serial0), checked in the guest itself: what is typed on the VGA console (a shell on tty1) writes to the
 * serial port, where the bridge's serial console sees it, so a viewer's keys that reached QEMU would show there.
 * One guest boot, then one reset and one QEMU restart, for the whole file. The bridge has users with the default
 * role policy: the operator types, the viewer only watches, each with their own bearer token.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoGuest, demoGuestBaseArgs, NO_GUEST_REASON, serialArgs } from '../guest/testing/demo-guest.ts';
import type { RunningBridge } from '../server.ts';
import { bearer, postJson, startTestBridge } from '../testing/bridge.ts';
import { SerialTestClient } from '../testing/console-ws.ts';
import { RfbTestClient } from '../testing/rfb-test-client.ts';
import { roleUsers, type TestUser, userConfig } from '../testing/users.ts';
import { waitFor } from '../testing/wait-for.ts';

if (!demoGuest) console.warn(NO_GUEST_REASON);

/** As in guest.qemu.test.ts: TCG boots on a loaded 2-core box can take many times the idle ~4 s. */
const GUEST_STEP_MS = 150_000;
const BOOT_WAIT_MS = 120_000;
const BANNER = 'QMP Deck demo guest';

const marker = (what: string) => `${what}${randomBytes(4).toString('hex')}`;

describe.skipIf(!demoGuest)('consoles of the demo guest through the bridge', () => {
  let dir: string;
  let bridge: RunningBridge;
  /** Watches serial0 as an operator the whole time. */
  let serial: SerialTestClient;
  const operator = roleUsers.operator;
  const viewer = roleUsers.viewer;
  const as = (user: TestUser) => bearer(user.token);
  const openSerial = (user: TestUser) => SerialTestClient.open(bridge.url, 'linux', 'serial0', as(user));

  const openVnc = async (user: TestUser = operator): Promise<RfbTestClient> => {
    const client = await RfbTestClient.overWebSocket(bridge.url, '/api/vms/linux/vnc', as(user));
    await client.handshake({ shared: true });
    return client;
  };

  const screenshotEtag = async (): Promise<string> => {
    const answer = await fetch(`${bridge.url}/api/vms/linux/screenshot`, { headers: as(viewer) });
    expect(answer.status).toBe(200);
    return answer.headers.get('etag') as string;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bridge-consoles-guest-'));
    const guest = demoGuest as NonNullable<typeof demoGuest>;
    bridge = await startTestBridge(
      dir,
      {
        vms: [
          {
            id: 'linux',
            launch: {
              args: [
                ...demoGuestBaseArgs(guest),
                ...['-vga', 'std', '-vnc', 'unix:{dir}/vnc.sock'],
                ...serialArgs('{dir}/serial.sock'),
              ],
            },
          },
        ],
        users: [operator, viewer].map(userConfig),
      },
      { screenshotIntervalMs: 200 },
    );
    await waitFor(
      () => bridge.registry.get('linux')?.consoles.info.serial.length,
      'serial0 found',
      BOOT_WAIT_MS,
    );
    serial = await openSerial(operator);
    await serial.waitForText(BANNER, BOOT_WAIT_MS);
  }, GUEST_STEP_MS);

  afterAll(async () => {
    serial?.close();
    await bridge?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'runs a command typed into the serial console and shows its output; a newcomer sees the screen',
    async () => {
      serial.typeLine('echo serial-$((6*7))');
      await serial.waitForText('serial-42');
      const newcomer = await openSerial(viewer);
      const replay = await newcomer.waitForText('serial-42');
      expect(replay).toContain('echo serial-$((6*7))');
      newcomer.close();
    },
    GUEST_STEP_MS,
  );

  it(
    "drops a serial viewer's typing: the guest never sees it",
    async () => {
      const viewers = await openSerial(viewer);
      const ignored = marker('viewer-');
      viewers.typeLine(`echo ${ignored}`);
      const seen = marker('operator-');
      serial.typeLine(`echo ${seen}`);
      // Typed after the viewer's line: had the viewer's reached the guest, its echo would be here first.
      await serial.waitForText(seen);
      await viewers.waitForText(seen);
      expect(serial.text).not.toContain(ignored);
      expect(viewers.text).not.toContain(ignored);
      viewers.close();
    },
    GUEST_STEP_MS,
  );

  it(
    "never lets a viewer's VNC keys reach the guest; an operator's reach the VGA shell, and the screenshot changes",
    async () => {
      const before = await screenshotEtag();
      const viewers = await openVnc(viewer);
      const operators = await openVnc(operator);
      const ignored = marker('typedv');
      const typed = marker('typedo');
      viewers.type(`echo ${ignored} > /dev/ttyS0`);
      await viewers.requestUpdate(false);
      operators.type(`echo ${typed} > /dev/ttyS0`);
      await serial.waitForText(typed, BOOT_WAIT_MS);
      expect(serial.text).not.toContain(ignored);
      // Both kept watching: the viewer's connection was never closed for typing.
      expect((await viewers.requestUpdate(false)).bytes).toBeGreaterThan(0);
      await waitFor(async () => (await screenshotEtag()) !== before, 'a screenshot of the changed screen');
      viewers.close();
      operators.close();
    },
    GUEST_STEP_MS,
  );

  it(
    'keeps the VNC and serial connections across system_reset',
    async () => {
      const vnc = await openVnc();
      const reset = await postJson(
        bridge,
        '/api/vms/linux/execute',
        { execute: 'system_reset' },
        as(operator),
      );
      expect(reset.status).toBe(200);
      const boots = serial.text.split(BANNER).length;
      await waitFor(() => serial.text.split(BANNER).length > boots, 'the guest to boot again', BOOT_WAIT_MS);
      // The same connection still gets pixels (an update may first say only that the screen's size changed).
      await waitFor(async () => (await vnc.requestUpdate(false)).bytes > 0, 'pixels after the reset');
      expect(vnc.closed).toBeNull();
      serial.typeLine('echo after-reset-$((3*3))');
      await serial.waitForText('after-reset-9');
      vnc.close();
    },
    GUEST_STEP_MS,
  );

  it(
    'holds the serial port again by itself after QEMU restarts; VNC closes and a new connection works',
    async () => {
      const vnc = await openVnc();
      expect((await postJson(bridge, '/api/vms/linux/kill', {}, as(operator))).status).toBe(200);
      expect(await vnc.whenClosed()).toEqual({
        code: 1000,
        reason: "the VM's VNC server closed the connection",
      });
      const boots = serial.text.split(BANNER).length;
      expect((await postJson(bridge, '/api/vms/linux/start', {}, as(operator))).status).toBe(200);
      // The same serial WebSocket: the bridge reconnected underneath it.
      await waitFor(() => serial.text.split(BANNER).length > boots, 'the guest to boot again', BOOT_WAIT_MS);
      serial.typeLine('echo restarted-$((5*5))');
      await serial.waitForText('restarted-25');
      expect(serial.closed).toBeNull();
      await waitFor(() => bridge.registry.get('linux')?.connection === 'connected', 'QMP back');
      const again = await RfbTestClient.overWebSocket(bridge.url, '/api/vms/linux/vnc', as(viewer));
      expect(await again.readGreeting()).toBe('RFB 003.008\n');
      again.close();
    },
    GUEST_STEP_MS,
  );

  it(
    "keeps the guest's output in the log download, across the restart",
    async () => {
      const log = await (
        await fetch(`${bridge.url}/api/vms/linux/serial/serial0/log`, { headers: as(viewer) })
      ).text();
      expect(log).toContain('serial-42');
      expect(log).toContain('restarted-25');
      expect(log.split(BANNER).length).toBeGreaterThanOrEqual(4);
    },
    GUEST_STEP_MS,
  );
});
