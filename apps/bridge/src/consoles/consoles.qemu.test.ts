/**
 * The consoles through the bridge against real QEMU, without a guest: QEMUs paused before boot (-S) with a VGA
 * card, a VNC display on a unix socket and a serial chardev, plus one without any display. What a guest does with
 * the keys and the serial port is in consoles.guest.qemu.test.ts.
 *
 * The command policy here plays the role issue 12 will give users: `role` says what the next connection is, a
 * viewer (may watch, may not type) or an operator.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Vm } from '@qmpdeck/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandRecord } from '../commands/command-audit.ts';
import type { CommandPolicy } from '../commands/command-policy.ts';
import type { RunningBridge } from '../server.ts';
import { getJson, startTestBridge } from '../testing/bridge.ts';
import { refusedUpgrade, SerialTestClient } from '../testing/console-ws.ts';
import { QEMU_BASE_ARGS, startQemu, type TestQemu } from '../testing/qemu.ts';
import { RfbTestClient } from '../testing/rfb-test-client.ts';
import { waitFor } from '../testing/wait-for.ts';

/** A machine with a screen and a serial port, its VNC and serial sockets in the VM's own dir. */
const WITH_CONSOLES = [
  ...QEMU_BASE_ARGS,
  '-vga',
  'std',
  '-vnc',
  'unix:{dir}/vnc.sock',
  '-chardev',
  'socket,id=serial0,path={dir}/serial.sock,server=on,wait=off',
  '-serial',
  'chardev:serial0',
];

describe('consoles through the bridge (QEMU without a guest)', () => {
  let dir: string;
  let bridge: RunningBridge;
  /** A QEMU the bridge does not launch, its consoles named in the config instead of asked for. */
  let external: TestQemu;
  const policy = {
    role: 'operator' as 'operator' | 'viewer' | 'nobody' | 'elsewhere',
    decide(request) {
      if (this.role === 'elsewhere') return { allowed: false, desc: 'not one of your VMs', hidden: true };
      if (this.role === 'nobody') return { allowed: false, desc: 'you may not watch consoles' };
      if (
        this.role === 'viewer' &&
        (request.command === 'console.input' || request.command === 'serial.input')
      ) {
        return { allowed: false, desc: 'viewers may not type into consoles' };
      }
      return { allowed: true };
    },
  } satisfies CommandPolicy & { role: string };
  const audited: CommandRecord[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bridge-consoles-'));
    const own = (name: string) => join(dir, name);
    external = await startQemu(dir, 'external', [
      ...['-vga', 'std', '-vnc', `unix:${own('ext-vnc.sock')}`],
      ...[
        '-chardev',
        `socket,id=hvc,path=${own('ext-con.sock')},server=on,wait=off`,
        '-serial',
        'chardev:hvc',
      ],
    ]);
    bridge = await startTestBridge(
      dir,
      {
        vms: [
          { id: 'screen', launch: { args: WITH_CONSOLES } },
          { id: 'blind', launch: { args: [...QEMU_BASE_ARGS] } },
          { id: 'off', launch: { args: WITH_CONSOLES, autostart: false } },
          {
            id: 'configured',
            qmp: { socket: external.qmpPath },
            vnc: { socket: own('ext-vnc.sock') },
            serial: [{ name: 'console', socket: own('ext-con.sock') }],
          },
          { id: 'no-serial', qmp: { socket: join(dir, 'unused.sock') }, serial: [] },
        ],
      },
      {
        policy,
        audit: { record: (entry) => audited.push(entry) },
        screenshotIntervalMs: 1000,
      },
    );
    await waitFor(
      () => ['screen', 'blind'].every((id) => bridge.registry.get(id)?.status === 'prelaunch'),
      'both VMs connected',
    );
    await waitFor(() => bridge.registry.get('screen')?.consoles.info.vnc, 'the consoles found');
  });

  afterAll(async () => {
    await bridge?.stop();
    await external?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  const as = async <T>(role: typeof policy.role, run: () => Promise<T>): Promise<T> => {
    policy.role = role;
    try {
      return await run();
    } finally {
      policy.role = 'operator';
    }
  };

  it("says in the VM object what it can proxy: the display and serial0, never the agent's or QMP's socket", async () => {
    const screen = (await getJson(bridge, '/api/vms/screen')).body as Vm;
    expect(screen.consoles).toEqual({ vnc: true, serial: ['serial0'] });
    const blind = (await getJson(bridge, '/api/vms/blind')).body as Vm;
    expect(blind.consoles).toEqual({ vnc: false, serial: [] });
  });

  it('uses the display and serial ports the config names instead of asking QEMU', async () => {
    await waitFor(() => bridge.registry.get('configured')?.connection === 'connected', 'the external QEMU');
    expect(((await getJson(bridge, '/api/vms/configured')).body as Vm).consoles).toEqual({
      vnc: true,
      serial: ['console'],
    });
    expect(((await getJson(bridge, '/api/vms/no-serial')).body as Vm).consoles).toEqual({
      vnc: false,
      serial: [],
    });
    const client = await RfbTestClient.overWebSocket(bridge.url, '/api/vms/configured/vnc');
    await client.handshake({ shared: true });
    expect((await client.requestUpdate(false)).bytes).toBe(client.width * client.height * 4);
    client.close();
    await waitFor(
      () => bridge.registry.get('configured')?.consoles.port('console')?.connected,
      'console held',
    );
  });

  it("passes QEMU's RFB 003.008 greeting first", async () => {
    const client = await RfbTestClient.overWebSocket(bridge.url, '/api/vms/screen/vnc');
    expect(await client.readGreeting()).toBe('RFB 003.008\n');
    client.close();
  });

  it('lets two browsers that ask for exclusive access both stay, and both receive framebuffer updates', async () => {
    const first = await RfbTestClient.overWebSocket(bridge.url, '/api/vms/screen/vnc');
    await first.handshake({ shared: false });
    const second = await RfbTestClient.overWebSocket(bridge.url, '/api/vms/screen/vnc');
    await second.handshake({ shared: false });
    expect([first.width, first.height]).toEqual([second.width, second.height]);
    expect(first.name).toBe('QEMU');
    for (let round = 0; round < 3; round++) {
      const [a, b] = await Promise.all([first.requestUpdate(false), second.requestUpdate(false)]);
      expect(a.bytes).toBe(first.width * first.height * 4);
      expect(b.bytes).toBe(second.width * second.height * 4);
    }
    // QEMU drops shared clients ~80 ms after an exclusive one's ServerInit: long past by now.
    expect(first.closed).toBeNull();
    expect(second.closed).toBeNull();
    first.close();
    second.close();
  });

  it('audits a console once per connection, with whether it may type', async () => {
    audited.length = 0;
    const operator = await RfbTestClient.overWebSocket(bridge.url, '/api/vms/screen/vnc');
    const viewer = await as('viewer', () => RfbTestClient.overWebSocket(bridge.url, '/api/vms/screen/vnc'));
    await viewer.handshake({ shared: true });
    viewer.type('no keys from me');
    await viewer.requestUpdate(false);
    expect(audited.map((entry) => [entry.request.command, entry.outcome, entry.request.arguments])).toEqual([
      ['console.view', 'ok', { console: 'vnc', 'console.input': true }],
      ['console.view', 'ok', { console: 'vnc', 'console.input': false }],
    ]);
    expect(audited[0]?.request.target).toBe('bridge');
    operator.close();
    viewer.close();
  });

  describe('refuses before the upgrade, with the error as the HTTP answer', () => {
    it('NoDisplay for a VM without one', async () => {
      expect(await refusedUpgrade(bridge.url, '/api/vms/blind/vnc')).toEqual({
        status: 404,
        body: { error: { class: 'NoDisplay', desc: expect.stringContaining('no VNC display') } },
      });
    });

    it('VmNotConnected for a VM whose QEMU is not running', async () => {
      expect(await refusedUpgrade(bridge.url, '/api/vms/off/vnc')).toEqual({
        status: 503,
        body: { error: { class: 'VmNotConnected', desc: 'VM "off" is not connected (stopped)' } },
      });
    });

    it('VmNotFound for a VM that is not there or not visible to the caller', async () => {
      expect(await refusedUpgrade(bridge.url, '/api/vms/nope/vnc')).toEqual({
        status: 404,
        body: { error: { class: 'VmNotFound', desc: 'no VM with id "nope"' } },
      });
      expect(
        await as('elsewhere', () => refusedUpgrade(bridge.url, '/api/vms/screen/serial/serial0')),
      ).toEqual({
        status: 404,
        body: { error: { class: 'VmNotFound', desc: 'no VM with id "screen"' } },
      });
    });

    it('Forbidden when the policy refuses console.view', async () => {
      expect(await as('nobody', () => refusedUpgrade(bridge.url, '/api/vms/screen/vnc'))).toEqual({
        status: 403,
        body: { error: { class: 'Forbidden', desc: 'you may not watch consoles' } },
      });
    });

    it('Forbidden for a page of another site, as for /api/ws', async () => {
      const refused = await refusedUpgrade(bridge.url, '/api/vms/screen/vnc', {
        origin: 'https://evil.example',
      });
      expect(refused).toMatchObject({ status: 403, body: { error: { class: 'Forbidden' } } });
    });

    it('NoSuchConsole for a serial port the VM does not have, naming those it has', async () => {
      expect(await refusedUpgrade(bridge.url, '/api/vms/screen/serial/serial7')).toEqual({
        status: 404,
        body: {
          error: {
            class: 'NoSuchConsole',
            desc: 'VM "screen" has no serial console "serial7"; it has serial0',
          },
        },
      });
    });
  });

  it('closes a connection whose RFB stream cannot be followed, telling why', async () => {
    const client = await RfbTestClient.overWebSocket(bridge.url, '/api/vms/screen/vnc');
    await client.handshake({ shared: true });
    client.send(Buffer.from([127, 1, 2, 3]));
    expect(await client.whenClosed()).toEqual({
      code: 1002,
      reason: 'unknown RFB client message type 127; the stream cannot be followed',
    });
  });

  it('serves a screenshot as PNG with an ETag; 304 for If-None-Match; one screendump per interval', async () => {
    const before = await fetch(`${bridge.url}/api/vms/screen/screenshot`);
    expect(before.status).toBe(200);
    expect(before.headers.get('content-type')).toBe('image/png');
    expect(before.headers.get('cache-control')).toBe('no-cache');
    const etag = before.headers.get('etag') as string;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    const png = Buffer.from(await before.arrayBuffer());
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    // The IHDR's width and height: the 640x480 screen of a VGA nobody has set up yet.
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([640, 480]);
    const again = await fetch(`${bridge.url}/api/vms/screen/screenshot`, {
      headers: { 'if-none-match': etag },
    });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
  });

  it('answers screenshots of a VM without a graphics device with NoDisplay, and of a stopped one with 503', async () => {
    expect(await getJson(bridge, '/api/vms/blind/screenshot')).toEqual({
      status: 404,
      body: { error: { class: 'NoDisplay', desc: expect.stringContaining('no graphics device') } },
    });
    expect(await getJson(bridge, '/api/vms/off/screenshot')).toMatchObject({
      status: 503,
      body: { error: { class: 'VmNotConnected' } },
    });
    expect(await as('nobody', () => getJson(bridge, '/api/vms/screen/screenshot'))).toMatchObject({
      status: 403,
    });
  });

  it('shares one screendump among many asking at once', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const taken = bridge.screenshots.taken;
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => fetch(`${bridge.url}/api/vms/screen/screenshot`)),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(10).fill(200));
    expect(bridge.screenshots.taken - taken).toBe(1);
  });

  it('offers a serial console and its log as a download', async () => {
    const client = await SerialTestClient.open(bridge.url, 'screen', 'serial0');
    await waitFor(() => bridge.registry.get('screen')?.consoles.port('serial0')?.connected, 'serial0 held');
    client.close();
    const log = await fetch(`${bridge.url}/api/vms/screen/serial/serial0/log`);
    expect(log.status).toBe(200);
    expect(log.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(log.headers.get('content-disposition')).toBe('attachment; filename="screen-serial0.log"');
    expect(await getJson(bridge, '/api/vms/screen/serial/con9/log')).toMatchObject({
      status: 404,
      body: { error: { class: 'NoSuchConsole' } },
    });
  });

  it('says goodbye (1001) to open consoles when the bridge stops, and stops', async () => {
    const vnc = await RfbTestClient.overWebSocket(bridge.url, '/api/vms/screen/vnc');
    await vnc.handshake({ shared: true });
    const serial = await SerialTestClient.open(bridge.url, 'screen', 'serial0');
    await bridge.stop();
    expect(await vnc.whenClosed()).toEqual({ code: 1001, reason: 'the bridge is shutting down' });
    await waitFor(() => serial.closed, 'the serial console closed');
    expect(serial.closed).toEqual({ code: 1001, reason: 'the bridge is shutting down' });
  });
});
