/**
 * Who a proxy client is, and what it may do. The pipeline's policy decides with the client as actor (client id,
 * origin `qmp-proxy`, the user `qmpProxy.user` maps it to); here a test policy in the shape of the coming roles
 * (viewer: queries only; admin: everything) stands in for the access-control work. Unix sockets admit only the
 * bridge's user (or the configured group); TCP clients authenticate with the token file first.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { policyAllows, type RolePolicy } from '@qmpdeck/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandAudit, CommandRecord } from '../commands/command-audit.ts';
import type { CommandPolicy } from '../commands/command-policy.ts';
import type { RunningBridge } from '../server.ts';
import { getJson, startTestBridge } from '../testing/bridge.ts';
import { startQemu, type TestQemu } from '../testing/qemu.ts';
import { waitFor } from '../testing/wait-for.ts';
import { LineClient } from './testing/line-client.ts';
import { qemuPython, runPython, SESSION_SCRIPT } from './testing/qemu-python.ts';

const ROLES: Record<string, RolePolicy> = {
  viewer: { allow: ['query-*'], deny: [] },
  admin: { allow: ['*'], deny: [] },
};
const USERS: Record<string, keyof typeof ROLES> = { vera: 'viewer', ada: 'admin' };

/** Roles as the access-control work will have them; no user (no users configured) may do everything. */
const testPolicy: CommandPolicy = {
  decide: ({ actor, command }) => {
    if (actor.user === null) return { allowed: true };
    const role = USERS[actor.user];
    if (role && policyAllows(ROLES[role] as RolePolicy, command)) return { allowed: true };
    return { allowed: false, desc: `${actor.user} (${role ?? 'no role'}) may not run ${command}` };
  },
};

describe('QMP proxy clients as users', () => {
  let dir: string;
  let qemu: TestQemu;
  const bridges: RunningBridge[] = [];
  const audited: CommandRecord[] = [];
  const audit: CommandAudit = { record: (entry) => void audited.push(entry) };

  async function bridgeAs(user: string, monitor: string, tcp = false): Promise<RunningBridge> {
    const own = mkdtempSync(join(dir, `${user}-`));
    const bridge = await startTestBridge(
      own,
      { vms: [{ id: 'vm', qmp: { socket: monitor } }], qmpProxy: { user, ...(tcp ? { tcp: true } : {}) } },
      { policy: testPolicy, audit },
    );
    bridges.push(bridge);
    await waitFor(
      () => bridge.registry.get('vm')?.snapshot().connection === 'connected',
      `${user}'s bridge connected`,
    );
    return bridge;
  }

  function endpoint(bridge: RunningBridge) {
    return waitFor(() => bridge.registry.get('vm')?.snapshot().qmpProxy, 'the endpoint');
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'qmp-proxy-users-'));
    // One QEMU, two monitors: a bridge on each, their proxy clients acting as two different users.
    qemu = await startQemu(dir, 'vm', ['-qmp', `unix:${join(dir, 'second.sock')},server=on,wait=off`]);
  });

  afterAll(async () => {
    await Promise.all(bridges.map((bridge) => bridge.stop()));
    await qemu?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it("refuses a viewer's stop (Forbidden, audited as refused) and lets an admin's through, named as the cause", async () => {
    const asViewer = await bridgeAs('vera', qemu.qmpPath);
    const asAdmin = await bridgeAs('ada', join(dir, 'second.sock'));
    const viewer = await LineClient.negotiated({ path: (await endpoint(asViewer)).socket });
    const admin = await LineClient.negotiated({ path: (await endpoint(asAdmin)).socket });

    expect(await viewer.request('{"execute":"query-status","id":"q"}', '"q"')).toMatch(/^\{"return": /);
    expect(await viewer.request('{"execute":"stop","id":"v1"}', '"v1"')).toBe(
      '{"id": "v1", "error": {"class": "Forbidden", "desc": "vera (viewer) may not run stop"}}',
    );
    expect(audited).toContainEqual(
      expect.objectContaining({
        outcome: 'refused',
        error: { class: 'Forbidden', desc: 'vera (viewer) may not run stop' },
        request: expect.objectContaining({
          vm: 'vm',
          command: 'stop',
          clientCommandId: 'v1',
          actor: {
            client: expect.stringMatching(/^qmp-proxy-\d+$/),
            user: 'vera',
            origin: 'qmp-proxy',
            remote: null,
          },
        }),
      }),
    );

    await admin.request('{"execute":"cont","id":"a0"}', '"a0"');
    expect(await admin.request('{"execute":"stop","id":"a1"}', '"a1"')).toBe('{"return": {}, "id": "a1"}');
    const stop = await waitFor(async () => {
      const { body } = await getJson(asAdmin, '/api/vms/vm/events?after=0');
      return body.events.find((event: { event: string }) => event.event === 'STOP');
    }, "the STOP in the admin's bridge");
    expect(stop.cause).toMatchObject({
      command: 'stop',
      id: 'a1',
      client: expect.stringMatching(/^qmp-proxy-\d+$/),
      user: 'ada',
      origin: 'qmp-proxy',
    });
    await Promise.all([viewer.close(), admin.close()]);
    // Let go of both monitors for the next test.
    await Promise.all(bridges.splice(0).map((bridge) => bridge.stop()));
  });

  it('asks a TCP client for the token file first, and then serves it as the configured user', async () => {
    const bridge = await bridgeAs('ada', qemu.qmpPath, true);
    const { socket, tcp } = await endpoint(bridge);
    expect(tcp).toEqual({ host: '127.0.0.1', port: expect.any(Number) });
    const tokenPath = join(socket, '..', 'tcp-token');
    const token = readFileSync(tokenPath, 'utf8').trim();
    const client = await LineClient.negotiated(tcp as { host: string; port: number });

    expect(await client.request('{"execute":"query-status","id":1}', '1')).toBe(
      `{"id": 1, "error": {"class": "Forbidden", "desc": "authenticate first: run __org.qmpdeck_authenticate with {\\"token\\": ...}, the content of ${tokenPath}"}}`,
    );
    expect(
      await client.request(
        '{"execute":"__org.qmpdeck_authenticate","arguments":{"token":"nope"},"id":2}',
        '2',
      ),
    ).toBe('{"id": 2, "error": {"class": "Forbidden", "desc": "wrong token"}}');
    // Nothing of the VM reaches a client that has not authenticated, events neither.
    const other = await LineClient.negotiated({ path: socket });
    await other.request('{"execute":"cont","id":"c"}', '"c"');
    expect(
      await client.request(
        `{"execute":"__org.qmpdeck_authenticate","arguments":{"token":"${token}"},"id":3}`,
        '3',
      ),
    ).toBe('{"return": {}, "id": 3}');
    expect(client.lines.some((line) => line.includes('"event"'))).toBe(false);
    await client.request('{"execute":"stop","id":4}', '4');
    await client.waitForLine(
      (line) => line.includes('"event": "STOP"'),
      'the STOP event after authenticating',
    );
    expect(audited.at(-1)?.request.actor).toEqual({
      client: expect.stringMatching(/^qmp-proxy-\d+$/),
      user: 'ada',
      origin: 'qmp-proxy',
      remote: '127.0.0.1',
    });
    await Promise.all([client.close(), other.close()]);

    // Three wrong tokens and the connection is closed.
    const guesser = await LineClient.negotiated(tcp as { host: string; port: number });
    for (const n of [1, 2, 3])
      guesser.send(`{"execute":"__org.qmpdeck_authenticate","arguments":{"token":"x${n}"}}\n`);
    await waitFor(() => guesser.ended, 'the guesser disconnected');

    if (qemuPython !== null) {
      // QEMU's own client over TCP: connect, negotiate, authenticate with the token, and on as usual.
      const run = await runPython([SESSION_SCRIPT, `127.0.0.1:${tcp?.port}`, token]);
      expect(run.stderr).toBe('');
      const steps = run.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      expect(steps.find((step) => step.step === 'authenticate')).toEqual({ step: 'authenticate', ret: {} });
      expect(
        steps.find((step) => step.step === 'events').events.map((e: { event: string }) => e.event),
      ).toEqual(['RESUME', 'STOP']);
    }
  });
});

const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;

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

    const refusedOwn = await socatAs(NOBODY, NOBODY, own);
    expect(refusedOwn.code).not.toBe(0);
    expect(refusedOwn.err).toMatch(/Permission denied/);
    const refusedGroup = await socatAs(NOBODY, NOBODY, grouped);
    expect(refusedGroup.err).toMatch(/Permission denied/);
    const member = await socatAs(NOBODY, users, grouped);
    expect(member.err).toBe('');
    expect(member.out).toMatch(/^\{"QMP": .*\r\n\{"return": \{\}\}\r\n$/);
  });
});
