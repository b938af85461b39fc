/**
 * Who a proxy client is, and what it may do, with the bridge's real users and its default `RoleCommandPolicy`.
 * One QEMU with four monitors, a bridge on each, one per way of configuring the proxy:
 *
 *   mapped  users, qmpProxy.user = vera (viewer): every unix client acts as vera
 *   open    users, no qmpProxy.user, TCP: unix and TCP clients act as nobody until they present an API token
 *   scoped  users, qmpProxy.user = sam, whose scope leaves this VM out: unix clients are refused at connect
 *   bare    no users, TCP: unix clients may do everything; TCP clients present the token file first
 *
 * Unix sockets admit only the bridge's user (or the configured group): the last suite checks that as root.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditEntry, EventRecord } from '@qmpdeck/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QmpProxyConfig } from '../config/schema.ts';
import type { RunningBridge } from '../server.ts';
import { bearer, getJson, startTestBridge } from '../testing/bridge.ts';
import { captureLog, LEVEL } from '../testing/log-capture.ts';
import { startQemu, type TestQemu } from '../testing/qemu.ts';
import { testUser, userConfig } from '../testing/users.ts';
import { waitFor } from '../testing/wait-for.ts';
import { type LineAddress, LineClient } from './testing/line-client.ts';
import { qemuPython, runPython, SESSION_SCRIPT } from './testing/qemu-python.ts';

const vera = testUser('vera', 'viewer');
const otto = testUser('otto', 'operator');
const ada = testUser('ada', 'admin');
/** An admin, but only of the web VMs: this VM (`vm`) is out of sam's scope. */
const sam = testUser('sam', 'admin', ['web-*']);
const USERS = [vera, otto, ada, sam].map(userConfig);

const authenticate = (token: string, id: number | string) =>
  `{"execute":"__org.qmpdeck_authenticate","arguments":{"token":"${token}"},"id":${JSON.stringify(id)}}`;

/** A line of QEMU's wire form for an error, as the proxy writes it. */
const errorReply = (id: number | string, cls: string, desc: string) =>
  `{"id": ${JSON.stringify(id)}, "error": {"class": "${cls}", "desc": ${JSON.stringify(desc)}}}`;

describe('QMP proxy clients as users (RoleCommandPolicy)', () => {
  let dir: string;
  let qemu: TestQemu;
  let mapped: RunningBridge;
  let open: RunningBridge;
  let scoped: RunningBridge;
  let bare: RunningBridge;
  const openLog = captureLog('info');
  const clients: LineClient[] = [];

  async function bridgeOn(
    monitor: string,
    qmpProxy: QmpProxyConfig,
    users: boolean,
    log = captureLog('info').log,
  ): Promise<RunningBridge> {
    const own = mkdtempSync(join(dir, 'bridge-'));
    const bridge = await startTestBridge(
      own,
      { vms: [{ id: 'vm', qmp: { socket: monitor } }], qmpProxy, ...(users ? { users: USERS } : {}) },
      { log },
    );
    await waitFor(() => {
      const vm = bridge.registry.get('vm')?.snapshot();
      return vm?.connection === 'connected' && vm.qmpProxy;
    }, 'the bridge connected, with its endpoint');
    return bridge;
  }

  function endpoint(bridge: RunningBridge) {
    const found = bridge.registry.get('vm')?.snapshot().qmpProxy;
    if (!found) throw new Error('no endpoint');
    return found;
  }

  async function client(address: LineAddress): Promise<LineClient> {
    const made = await LineClient.negotiated(address);
    clients.push(made);
    return made;
  }

  function audit(bridge: RunningBridge, kind?: AuditEntry['kind']): AuditEntry[] {
    return bridge.audit.page({ vm: 'vm', limit: 1000 }).filter((entry) => !kind || entry.kind === kind);
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'qmp-proxy-users-'));
    const monitor = (name: string) => join(dir, `${name}.sock`);
    qemu = await startQemu(
      dir,
      'vm',
      ['open', 'scoped', 'bare'].flatMap((name) => ['-qmp', `unix:${monitor(name)},server=on,wait=off`]),
    );
    [mapped, open, scoped, bare] = await Promise.all([
      bridgeOn(qemu.qmpPath, { user: 'vera' }, true),
      bridgeOn(monitor('open'), { tcp: true }, true, openLog.log),
      bridgeOn(monitor('scoped'), { user: 'sam' }, true),
      bridgeOn(monitor('bare'), { tcp: true }, false),
    ]);
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await Promise.all([mapped, open, scoped, bare].map((bridge) => bridge?.stop()));
    await qemu?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('maps a unix client to qmpProxy.user: a viewer runs queries (query-commands too) and its stop is refused, audited', async () => {
    const viewer = await client({ path: endpoint(mapped).socket });
    expect(await viewer.request('{"execute":"query-status","id":"q"}', '"q"')).toMatch(/^\{"return": \{/);
    // qmp-shell runs query-commands as it starts: a viewer's shell must get its list.
    expect(await viewer.request('{"execute":"query-commands","id":"c"}', '"c"')).toMatch(
      /^\{"return": \[.*\{"name": "stop"\}/,
    );
    expect(await viewer.request('{"execute":"stop","id":"v1"}', '"v1"')).toBe(
      errorReply('v1', 'Forbidden', 'role viewer may not run stop'),
    );
    const rows = audit(mapped, 'command');
    const proxyClient = expect.stringMatching(/^qmp-proxy-\d+$/);
    expect(rows).toContainEqual(
      expect.objectContaining({
        command: 'stop',
        user: 'vera',
        role: 'viewer',
        client: proxyClient,
        origin: 'qmp-proxy',
        remote: null,
        target: 'qmp',
        outcome: 'Forbidden',
        error: 'role viewer may not run stop',
      }),
    );
    expect(rows).toContainEqual(
      expect.objectContaining({ command: 'query-commands', user: 'vera', outcome: 'ok' }),
    );

    if (qemuPython !== null) {
      // QEMU's own shell as the viewer: it starts (its query-commands answered), queries, and shows the refusal.
      const run = await runPython([qemuPython.qmpShell, endpoint(mapped).socket], 'query-status\nstop\n');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('Connected to QEMU 7.2');
      expect(run.stdout).toMatch(/\{"return": \{"status": "\w+"/);
      expect(run.stdout).toContain(
        '{"error": {"class": "Forbidden", "desc": "role viewer may not run stop"}}',
      );
    }
  });

  it('with users and no qmpProxy.user, a unix client acts as nobody until it presents an API token (said once at start)', async () => {
    const warnings = openLog.lines.filter((line) => line.msg.includes('qmpProxy.user is not set'));
    expect(warnings).toEqual([expect.objectContaining({ level: LEVEL.warn })]);

    const anonymous = await client({ path: endpoint(open).socket });
    expect(await anonymous.request('{"execute":"query-status","id":1}', '1')).toBe(
      errorReply(
        1,
        'Unauthorized',
        'authenticate first: run __org.qmpdeck_authenticate with {"token": ...}, your API token',
      ),
    );
    const operator = await client({ path: endpoint(open).socket });
    expect(await operator.request(authenticate(otto.token, 'a'), '"a"')).toBe('{"return": {}, "id": "a"}');
    expect(await operator.request('{"execute":"cont","id":"c"}', '"c"')).toBe('{"return": {}, "id": "c"}');
    expect(await operator.request('{"execute":"stop","id":"s"}', '"s"')).toBe('{"return": {}, "id": "s"}');
    await operator.waitForLine((line) => line.includes('"event": "STOP"'), 'the STOP, to the operator');
    // Nothing of the VM reaches a client that has not authenticated, events neither.
    expect(anonymous.lines.some((line) => line.includes('"event"'))).toBe(false);
    expect(
      await operator.request(
        '{"execute":"human-monitor-command","arguments":{"command-line":"info version"},"id":"h"}',
        '"h"',
      ),
    ).toBe(errorReply('h', 'Forbidden', 'role operator may not run human-monitor-command'));

    const stop = await waitFor(async () => {
      const { body } = await getJson(open, '/api/vms/vm/events?after=0', bearer(ada.token));
      return body.events.findLast((event: EventRecord) => event.event === 'STOP');
    }, 'the STOP in the bridge');
    expect(stop.cause).toMatchObject({ command: 'stop', id: 's', user: 'otto', origin: 'qmp-proxy' });
    expect(audit(open, 'sign-in')).toContainEqual(
      expect.objectContaining({
        user: 'otto',
        role: 'operator',
        client: stop.cause.client,
        origin: 'qmp-proxy',
        remote: null,
        vm: 'vm',
        outcome: 'ok',
      }),
    );

    // A client may present another token: it then acts as that user (an admin runs anything).
    expect(await operator.request(authenticate(ada.token, 'b'), '"b"')).toBe('{"return": {}, "id": "b"}');
    expect(
      await operator.request(
        '{"execute":"human-monitor-command","arguments":{"command-line":"info version"},"id":"h2"}',
        '"h2"',
      ),
    ).toMatch(/^\{"return": "7\.2/);
  });

  it('takes API tokens over TCP (no token file), refuses a user out of scope, and limits failures as HTTP does', async () => {
    const { socket, tcp } = endpoint(open);
    const tcpAddress = tcp as { host: string; port: number };
    expect(existsSync(join(socket, '..', 'tcp-token'))).toBe(false);

    const viewer = await client(tcpAddress);
    expect(await viewer.request(authenticate('not-a-token-of-anyone', 1), '1')).toBe(
      errorReply(1, 'Unauthorized', 'the token is not valid'),
    );
    expect(audit(open, 'sign-in-failed')).toContainEqual(
      expect.objectContaining({
        user: null,
        remote: '127.0.0.1',
        origin: 'qmp-proxy',
        outcome: 'Unauthorized',
        error: 'the token is not valid',
      }),
    );
    expect(await viewer.request(authenticate(vera.token, 2), '2')).toBe('{"return": {}, "id": 2}');
    expect(await viewer.request('{"execute":"stop","id":3}', '3')).toBe(
      errorReply(3, 'Forbidden', 'role viewer may not run stop'),
    );
    expect(audit(open, 'command')).toContainEqual(
      expect.objectContaining({ command: 'stop', user: 'vera', remote: '127.0.0.1', outcome: 'Forbidden' }),
    );

    // A valid token whose user may not see this VM: refused, the connection closed, audited.
    const outsider = await client(tcpAddress);
    expect(await outsider.request(authenticate(sam.token, 1), '1')).toBe(
      errorReply(1, 'Forbidden', 'user sam may not use this VM'),
    );
    await waitFor(() => outsider.ended, 'the outsider disconnected');
    expect(audit(open, 'sign-in-failed')).toContainEqual(
      expect.objectContaining({ user: 'sam', role: 'admin', outcome: 'Forbidden', remote: '127.0.0.1' }),
    );

    if (qemuPython !== null) {
      // QEMU's own client over TCP with an admin's API token: connect, negotiate, authenticate, and on as usual.
      const run = await runPython([SESSION_SCRIPT, `127.0.0.1:${tcpAddress.port}`, ada.token]);
      expect(run.stderr).toBe('');
      const steps = run.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      expect(steps.find((step) => step.step === 'authenticate')).toEqual({ step: 'authenticate', ret: {} });
      expect(steps.find((step) => step.step === 'stop')).toEqual({ step: 'stop', ret: {} });
    }

    // Wrong tokens: three end a connection; the address's failures then reach the limit that HTTP shares.
    let refused = '';
    for (let attempt = 0; refused === '' && attempt < 6; attempt++) {
      const guesser = await client(tcpAddress);
      for (const n of [1, 2, 3]) {
        const answer = await guesser.request(authenticate(`wrong-token-${n}`, n), String(n));
        if (answer.includes('TooManyRequests')) {
          refused = answer;
          break;
        }
      }
      await waitFor(() => guesser.ended, 'the guesser disconnected');
    }
    expect(refused).toMatch(
      /^\{"id": \d, "error": \{"class": "TooManyRequests", "desc": "too many failed .*; try again in \d+ s"\}\}$/,
    );
    const http = await getJson(open, '/api/vms', bearer(ada.token));
    expect(http.status).toBe(429);
    expect(audit(open, 'sign-in-failed').at(0)).toMatchObject({ outcome: 'TooManyRequests' });
  });

  it('refuses a unix client whose qmpProxy.user may not see the VM: no greeting, closed, audited', async () => {
    const refused = await LineClient.connect({ path: endpoint(scoped).socket });
    clients.push(refused);
    await waitFor(() => refused.ended, 'the connection closed');
    expect(refused.lines).toEqual([]);
    expect(audit(scoped, 'sign-in-failed')).toEqual([
      expect.objectContaining({
        user: 'sam',
        role: 'admin',
        client: expect.stringMatching(/^qmp-proxy-\d+$/),
        origin: 'qmp-proxy',
        remote: null,
        outcome: 'Forbidden',
        error: 'user sam may not use this VM',
      }),
    ]);
  });

  it('without users, serves a unix client fully and asks a TCP client for the token file first', async () => {
    const { socket, tcp } = endpoint(bare);
    const tcpAddress = tcp as { host: string; port: number };
    const tokenPath = join(socket, '..', 'tcp-token');
    expect(statSync(tokenPath).mode & 0o777).toBe(0o600);
    const token = readFileSync(tokenPath, 'utf8').trim();

    const local = await client({ path: socket });
    expect(await local.request('{"execute":"cont","id":"c"}', '"c"')).toBe('{"return": {}, "id": "c"}');
    const remote = await client(tcpAddress);
    expect(await remote.request('{"execute":"query-status","id":1}', '1')).toBe(
      errorReply(
        1,
        'Unauthorized',
        `authenticate first: run __org.qmpdeck_authenticate with {"token": ...}, the content of ${tokenPath}`,
      ),
    );
    expect(await remote.request(authenticate('nope', 2), '2')).toBe(
      errorReply(2, 'Unauthorized', 'the token is not valid'),
    );
    expect(await remote.request(authenticate(token, 3), '3')).toBe('{"return": {}, "id": 3}');
    expect(await remote.request('{"execute":"stop","id":4}', '4')).toBe('{"return": {}, "id": 4}');
    await remote.waitForLine((line) => line.includes('"event": "STOP"'), 'the STOP after authenticating');
    expect(audit(bare, 'command').at(0)).toMatchObject({
      command: 'stop',
      user: null,
      origin: 'qmp-proxy',
      remote: '127.0.0.1',
      outcome: 'ok',
    });
  });
});

const isRoot = process.getuid?.() === 0;
const NOBODY_UID = 65534;

/** `socat` run as another user: its first line from the socket, or its error. */
function socatAs(
  uid: number,
  gid: number,
  path: string,
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn('socat', ['-t', '1', '-', `UNIX-CONNECT:${path}`], {
      uid,
      gid,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      out += text;
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      err += text;
    });
    child.on('close', (code) => resolve({ code, out, err }));
    // A socat refused at connect exits before reading its input: that broken pipe is the expected outcome.
    child.stdin.on('error', () => {});
    child.stdin.end('{"execute":"qmp_capabilities"}\n');
  });
}

describe.skipIf(!isRoot)('who can open a QMP proxy socket (run as root, trying as uid nobody)', () => {
  let dir: string;
  let qemu: TestQemu;
  const bridges: RunningBridge[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'qmp-proxy-perm-'));
    // Everything above the proxy's own directory open to all, so that only its permissions decide.
    chmodSync(dir, 0o755);
    qemu = await startQemu(dir, 'vm', ['-qmp', `unix:${join(dir, 'second.sock')},server=on,wait=off`]);
  });

  afterAll(async () => {
    await Promise.all(bridges.map((bridge) => bridge.stop()));
    await qemu?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('admits only the bridge user by default, and the configured group with `group`', async () => {
    const ownDir = mkdtempSync(join(dir, 'own-'));
    chmodSync(ownDir, 0o755);
    const mine = await startTestBridge(ownDir, {
      vms: [{ id: 'vm', qmp: { socket: qemu.qmpPath } }],
    });
    const shared = await startTestBridge(mkdtempSync(join(dir, 'group-')), {
      vms: [{ id: 'vm', qmp: { socket: join(dir, 'second.sock') } }],
      qmpProxy: { dir: join(dir, 'shared'), group: 'users' },
    });
    bridges.push(mine, shared);
    const [own, grouped] = (await Promise.all(
      [mine, shared].map((bridge) =>
        waitFor(() => {
          const vm = bridge.registry.get('vm')?.snapshot();
          return vm?.connection === 'connected' && vm.qmpProxy?.socket;
        }, 'connected with an endpoint'),
      ),
    )) as [string, string];
    const users = 100;
    expect(statSync(grouped).mode & 0o777).toBe(0o660);
    expect(statSync(grouped).gid).toBe(users);
    expect(statSync(join(dir, 'shared')).mode & 0o777).toBe(0o750);

    const refusedOwn = await socatAs(NOBODY_UID, NOBODY_UID, own);
    expect(refusedOwn.code).not.toBe(0);
    expect(refusedOwn.err).toMatch(/Permission denied/);
    const refusedGroup = await socatAs(NOBODY_UID, NOBODY_UID, grouped);
    expect(refusedGroup.err).toMatch(/Permission denied/);
    const member = await socatAs(NOBODY_UID, users, grouped);
    expect(member.err).toBe('');
    expect(member.out).toMatch(/^\{"QMP": .*\r\n\{"return": \{\}\}\r\n$/);
  });
});
