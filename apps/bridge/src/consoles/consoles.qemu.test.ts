/**
 * The consoles through the bridge against real QEMU, without a guest: QEMUs paused before boot (-S) with a VGA
 * card, a VNC display on a unix socket and a serial chardev, plus one without any display. What a guest does with
 * the keys and the serial port is in consoles.guest.qemu.test.ts.
 *
 * The bridge has users with the default role policy: an operator (may type), a viewer (may watch, not type) and
 * an operator scoped to other VMs (for whom "screen" does not exist). Every request carries a bearer token.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Vm } from '@qmpdeck/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBridge } from '../server.ts';
import { bearer, getJson, startTestBridge } from '../testing/bridge.ts';
import { refusedUpgrade, SerialTestClient } from '../testing/console-ws.ts';
import { QEMU_BASE_ARGS, startQemu, type TestQemu } from '../testing/qemu.ts';
import { RfbTestClient } from '../testing/rfb-test-client.ts';
import { roleUsers, type TestUser, testUser, userConfig } from '../testing/users.ts';
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
  const operator = roleUsers.operator;
  const viewer = roleUsers.viewer;
  /** An operator whose scope is the other VMs: "screen" is not there for them. */
  const elsewhere = testUser('elsa', 'operator', ['configured', 'no-serial']);
  const as = (user: TestUser) => bearer(user.token);
  const vnc = (vm: string, user: TestUser = operator) =>
    RfbTestClient.overWebSocket(bridge.url, `/api/vms/${vm}/vnc`, as(user));
  const get = (path: string, user: TestUser = operator, headers: Record<string, string> = {}) =>
    fetch(bridge.url + path, { headers: { ...as(user), ...headers } });

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
        users: [operator, viewer, elsewhere].map(userConfig),
      },
      { screenshotIntervalMs: 1000 },
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

  it("says in the VM object what it can proxy: the display and serial0, never the agent's or QMP's socket", async () => {
    const screen = (await getJson(bridge, '/api/vms/screen', as(operator))).body as Vm;
    expect(screen.consoles).toEqual({ vnc: true, serial: ['serial0'] });
    const blind = (await getJson(bridge, '/api/vms/blind', as(operator))).body as Vm;
    expect(blind.consoles).toEqual({ vnc: false, serial: [] });
  });

  it('uses the display and serial ports the config names instead of asking QEMU', async () => {
    await waitFor(() => bridge.registry.get('configured')?.connection === 'connected', 'the external QEMU');
    expect(((await getJson(bridge, '/api/vms/configured', as(operator))).body as Vm).consoles).toEqual({
      vnc: true,
      serial: ['console'],
    });
    expect(((await getJson(bridge, '/api/vms/no-serial', as(operator))).body as Vm).consoles).toEqual({
      vnc: false,
      serial: [],
    });
    const client = await vnc('configured');
    await client.handshake({ shared: true });
    expect((await client.requestUpdate(false)).bytes).toBe(client.width * client.height * 4);
    client.close();
    await waitFor(
      () => bridge.registry.get('configured')?.consoles.port('console')?.connected,
      'console held',
    );
  });

  it("passes QEMU's RFB 003.008 greeting first", async () => {
    const client = await vnc('screen');
    expect(await client.readGreeting()).toBe('RFB 003.008\n');
    client.close();
  });

  it('lets two browsers that ask for exclusive access both stay, and both receive framebuffer updates', async () => {
    const first = await vnc('screen');
    await first.handshake({ shared: false });
    const second = await vnc('screen');
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

  it('audits a console once per connection as the user who opened it, with whether they may type', async () => {
    const newest = bridge.audit.page({ limit: 1 })[0]?.id ?? 0;
    const operators = await vnc('screen');
    const viewers = await vnc('screen', viewer);
    await viewers.handshake({ shared: true });
    viewers.type('no keys from me');
    await viewers.requestUpdate(false);
    const rows = bridge.audit
      .page({ vm: 'screen' })
      .filter((row) => row.id > newest)
      .reverse();
    expect(
      rows.map((row) => [row.user, row.role, row.target, row.command, row.outcome, row.arguments]),
    ).toEqual([
      ['otto', 'operator', 'bridge', 'console.view', 'ok', { console: 'vnc', 'console.input': true }],
      ['vera', 'viewer', 'bridge', 'console.view', 'ok', { console: 'vnc', 'console.input': false }],
    ]);
    operators.close();
    viewers.close();
  });

  describe('refuses before the upgrade, with the error as the HTTP answer', () => {
    it('Unauthorized without a credential or with a wrong one, for every console WebSocket', async () => {
      for (const path of ['/api/vms/screen/vnc', '/api/vms/screen/serial/serial0']) {
        for (const headers of [{}, bearer('not-a-token-of-anybody')]) {
          expect(await refusedUpgrade(bridge.url, path, headers)).toEqual({
            status: 401,
            body: { error: { class: 'Unauthorized', desc: expect.any(String) } },
          });
        }
      }
    });

    it('NoDisplay for a VM without one', async () => {
      expect(await refusedUpgrade(bridge.url, '/api/vms/blind/vnc', as(operator))).toEqual({
        status: 404,
        body: { error: { class: 'NoDisplay', desc: expect.stringContaining('no VNC display') } },
      });
    });

    it('VmNotConnected for a VM whose QEMU is not running', async () => {
      expect(await refusedUpgrade(bridge.url, '/api/vms/off/vnc', as(operator))).toEqual({
        status: 503,
        body: { error: { class: 'VmNotConnected', desc: 'VM "off" is not connected (stopped)' } },
      });
    });

    it("VmNotFound for a VM that is not there or out of the caller's scope, the same answer", async () => {
      expect(await refusedUpgrade(bridge.url, '/api/vms/nope/vnc', as(operator))).toEqual({
        status: 404,
        body: { error: { class: 'VmNotFound', desc: 'no VM with id "nope"' } },
      });
      for (const path of ['/api/vms/screen/vnc', '/api/vms/screen/serial/serial0']) {
        expect(await refusedUpgrade(bridge.url, path, as(elsewhere))).toEqual({
          status: 404,
          body: { error: { class: 'VmNotFound', desc: 'no VM with id "screen"' } },
        });
      }
      for (const path of ['/api/vms/screen/screenshot', '/api/vms/screen/serial/serial0/log']) {
        const answer = await getJson(bridge, path, as(elsewhere));
        expect(answer, path).toEqual({
          status: 404,
          body: { error: { class: 'VmNotFound', desc: 'no VM with id "screen"' } },
        });
      }
      // And the scoped operator does reach a VM in scope.
      const inScope = await vnc('configured', elsewhere);
      expect(await inScope.readGreeting()).toBe('RFB 003.008\n');
      inScope.close();
    });

    it('Forbidden for a page of another site, as for /api/ws', async () => {
      const refused = await refusedUpgrade(bridge.url, '/api/vms/screen/vnc', {
        ...as(operator),
        origin: 'https://evil.example',
      });
      expect(refused).toMatchObject({ status: 403, body: { error: { class: 'Forbidden' } } });
    });

    it('NoSuchConsole for a serial port the VM does not have, naming those it has', async () => {
      expect(await refusedUpgrade(bridge.url, '/api/vms/screen/serial/serial7', as(operator))).toEqual({
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
    const client = await vnc('screen');
    await client.handshake({ shared: true });
    client.send(Buffer.from([127, 1, 2, 3]));
    expect(await client.whenClosed()).toEqual({
      code: 1002,
      reason: 'unknown RFB client message type 127; the stream cannot be followed',
    });
  });

  it('serves a screenshot as PNG with an ETag; 304 for If-None-Match; one screendump per interval', async () => {
    // A viewer may see thumbnails (console.view), though it may not run screendump itself.
    const before = await get('/api/vms/screen/screenshot', viewer);
    expect(before.status).toBe(200);
    expect(before.headers.get('content-type')).toBe('image/png');
    expect(before.headers.get('cache-control')).toBe('no-cache');
    const etag = before.headers.get('etag') as string;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    const png = Buffer.from(await before.arrayBuffer());
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    // The IHDR's width and height: the 640x480 screen of a VGA nobody has set up yet.
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([640, 480]);
    const again = await get('/api/vms/screen/screenshot', viewer, { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
  });

  it('answers screenshots of a VM without a graphics device with NoDisplay, and of a stopped one with 503', async () => {
    expect(await getJson(bridge, '/api/vms/blind/screenshot', as(operator))).toEqual({
      status: 404,
      body: { error: { class: 'NoDisplay', desc: expect.stringContaining('no graphics device') } },
    });
    expect(await getJson(bridge, '/api/vms/off/screenshot', as(operator))).toMatchObject({
      status: 503,
      body: { error: { class: 'VmNotConnected' } },
    });
    expect(await getJson(bridge, '/api/vms/screen/screenshot')).toMatchObject({
      status: 401,
      body: { error: { class: 'Unauthorized' } },
    });
  });

  it('shares one screendump among many asking at once', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const taken = bridge.screenshots.taken;
    const answers = await Promise.all(Array.from({ length: 10 }, () => get('/api/vms/screen/screenshot')));
    expect(answers.map((answer) => answer.status)).toEqual(Array(10).fill(200));
    expect(bridge.screenshots.taken - taken).toBe(1);
    // The bridge's shared screendumps are nobody's action: none in the audit log, though they did run.
    expect(bridge.screenshots.taken).toBeGreaterThan(1);
    expect(bridge.audit.page({ vm: 'screen' }).filter((row) => row.command === 'screendump')).toEqual([]);
  });

  it('offers a serial console and its log as a download', async () => {
    const client = await SerialTestClient.open(bridge.url, 'screen', 'serial0', as(operator));
    await waitFor(() => bridge.registry.get('screen')?.consoles.port('serial0')?.connected, 'serial0 held');
    client.close();
    const log = await get('/api/vms/screen/serial/serial0/log', viewer);
    expect(log.status).toBe(200);
    expect(log.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(log.headers.get('content-disposition')).toBe('attachment; filename="screen-serial0.log"');
    expect(await getJson(bridge, '/api/vms/screen/serial/con9/log', as(operator))).toMatchObject({
      status: 404,
      body: { error: { class: 'NoSuchConsole' } },
    });
  });

  it('says goodbye (1001) to open consoles when the bridge stops, and stops', async () => {
    const screen = await vnc('screen');
    await screen.handshake({ shared: true });
    const serial = await SerialTestClient.open(bridge.url, 'screen', 'serial0', as(viewer));
    await bridge.stop();
    expect(await screen.whenClosed()).toEqual({ code: 1001, reason: 'the bridge is shutting down' });
    await waitFor(() => serial.closed, 'the serial console closed');
    expect(serial.closed).toEqual({ code: 1001, reason: 'the bridge is shutting down' });
  });
});

describe('a role whose rule leaves out console.view', () => {
  it('is refused (403 Forbidden) on the upgrade, the screenshot and the log, each audited as refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bridge-consoles-refused-'));
    const viewer = roleUsers.viewer;
    // No QEMU: the refusal comes before anything about the VM's state is looked at.
    const bridge = await startTestBridge(dir, {
      vms: [{ id: 'quiet', qmp: { socket: join(dir, 'nobody-listens.sock') } }],
      users: [userConfig(viewer)],
      policy: { viewer: { allow: ['query-*'] } },
    });
    try {
      const forbidden = {
        status: 403,
        body: { error: { class: 'Forbidden', desc: 'role viewer may not run console.view' } },
      };
      expect(await refusedUpgrade(bridge.url, '/api/vms/quiet/vnc', bearer(viewer.token))).toEqual(forbidden);
      expect(await getJson(bridge, '/api/vms/quiet/screenshot', bearer(viewer.token))).toEqual(forbidden);
      expect(await getJson(bridge, '/api/vms/quiet/serial/serial0/log', bearer(viewer.token))).toEqual(
        forbidden,
      );
      const rows = bridge.audit.page({ vm: 'quiet' });
      expect(rows.map((row) => [row.user, row.command, row.outcome])).toEqual([
        ['vera', 'console.view', 'Forbidden'],
        ['vera', 'console.view', 'Forbidden'],
      ]);
    } finally {
      await bridge.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
