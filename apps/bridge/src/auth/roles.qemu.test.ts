/**
 * Every role against every class of QMP command and the bridge's own actions, over HTTP and over the WebSocket,
 * against real QEMU. An allowed command reaches QEMU, as QEMU's own trace of the requests it received shows; a
 * refused one is answered `Forbidden` ("role viewer may not run stop") and QEMU never receives it (checked after
 * a later command QEMU did receive, so the refused one cannot be on its way). Start and kill of a managed VM:
 * the QEMU process appears or goes, or not. Every attempt is a row of the audit log with its outcome.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Role } from '@qmpdeck/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBridge } from '../server.ts';
import { bearer, postJson, startTestBridge } from '../testing/bridge.ts';
import { QEMU_BASE_ARGS, startQemu, type TestQemu } from '../testing/qemu.ts';
import { qmpTraceArgs, tracedCount } from '../testing/qemu-trace.ts';
import { ROLES, roleUsers, userConfig } from '../testing/users.ts';
import { waitFor } from '../testing/wait-for.ts';
import { TestWsClient } from '../testing/ws-client.ts';

type Transport = 'http' | 'ws';

interface QmpCase {
  kind: string;
  command: string;
  /** Arguments per attempt (a unique marker lets the trace tell attempts apart). */
  args: (marker: string) => Record<string, unknown> | undefined;
  allowed: Role[];
}

const QMP_CASES: QmpCase[] = [
  { kind: 'query', command: 'query-uuid', args: () => undefined, allowed: ['viewer', 'operator', 'admin'] },
  {
    kind: 'query showing host paths',
    command: 'query-chardev',
    args: () => undefined,
    allowed: ['operator', 'admin'],
  },
  { kind: 'lifecycle', command: 'stop', args: () => undefined, allowed: ['operator', 'admin'] },
  {
    kind: 'device hot-plug',
    command: 'device_add',
    args: (marker) => ({ driver: 'virtio-rng-pci', id: marker }),
    allowed: ['admin'],
  },
  {
    kind: 'human monitor',
    command: 'human-monitor-command',
    args: () => ({ 'command-line': 'info version' }),
    allowed: ['admin'],
  },
];

const TRANSPORTS: Transport[] = ['http', 'ws'];

describe('roles against every class of command, over HTTP and the WebSocket', () => {
  let dir: string;
  let trace: string;
  let qemu: TestQemu;
  let bridge: RunningBridge;
  const sockets = new Map<Role, TestWsClient>();
  let nextId = 1;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bridge-roles-'));
    trace = join(dir, 'qmp-trace.log');
    qemu = await startQemu(dir, 'target', qmpTraceArgs(trace));
    bridge = await startTestBridge(dir, {
      vms: [
        { id: 'target', qmp: { socket: qemu.socket as string } },
        { id: 'managed', launch: { args: [...QEMU_BASE_ARGS], autostart: false } },
      ],
      users: ROLES.map((role) => userConfig(roleUsers[role])),
    });
    await waitFor(() => bridge.registry.get('target')?.status, 'target connected');
    for (const role of ROLES) {
      sockets.set(role, await TestWsClient.connect(bridge.url, bearer(roleUsers[role].token)));
    }
  });

  afterAll(async () => {
    for (const socket of sockets.values()) socket.close();
    await bridge?.stop();
    await qemu?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Sends as `role` over `transport`; answers the result or the error. */
  async function send(
    role: Role,
    transport: Transport,
    vm: string,
    command: string,
    args: Record<string, unknown> | undefined,
    target: 'qmp' | 'bridge' = 'qmp',
  ): Promise<{ ok: true; value: unknown } | { ok: false; class: string; desc: string; status?: number }> {
    if (transport === 'http') {
      const path =
        target === 'bridge' ? `/api/vms/${vm}/${command.slice('vm.'.length)}` : `/api/vms/${vm}/execute`;
      const body = target === 'bridge' ? {} : { execute: command, ...(args ? { arguments: args } : {}) };
      const answer = await postJson(bridge, path, body, bearer(roleUsers[role].token));
      if (answer.status === 200) return { ok: true, value: answer.body };
      return { ok: false, status: answer.status, ...answer.body.error };
    }
    const socket = sockets.get(role) as TestWsClient;
    const result = await socket.request({
      type: 'execute',
      id: `r${nextId++}`,
      vm,
      execute: command,
      target,
      ...(args ? { arguments: args } : {}),
    });
    if (result.type === 'result' && 'return' in result) return { ok: true, value: result.return };
    if (result.type === 'result' && 'error' in result) return { ok: false, ...result.error };
    throw new Error(`unexpected answer ${JSON.stringify(result)}`);
  }

  /** A command QEMU surely received after everything sent before it: nothing refused can still be on its way. */
  async function barrier(): Promise<void> {
    const before = tracedCount(trace, 'query-name');
    expect((await send('admin', 'http', 'target', 'query-name', undefined)).ok).toBe(true);
    await waitFor(() => tracedCount(trace, 'query-name') > before, 'QEMU to log the barrier');
  }

  const cases = QMP_CASES.flatMap((c) =>
    ROLES.flatMap((role) => TRANSPORTS.map((transport) => [c.kind, c.command, role, transport, c] as const)),
  );

  it.each(cases)('%s (%s): %s over %s', async (_kind, command, role, transport, c) => {
    const marker = `m-${role}-${transport}-${nextId++}`;
    const args = c.args(marker);
    // Counted by the marker when the attempt carries one, else by the command's name.
    const mark = args !== undefined && JSON.stringify(args).includes(marker) ? marker : undefined;
    const before = tracedCount(trace, command, mark);
    const answer = await send(role, transport, 'target', command, args);
    if (c.allowed.includes(role)) {
      expect(answer).toMatchObject({ ok: true });
      await waitFor(() => tracedCount(trace, command, mark) === before + 1, `QEMU to receive ${command}`);
    } else {
      expect(answer).toEqual({
        ok: false,
        class: 'Forbidden',
        desc: `role ${role} may not run ${command}`,
        ...(transport === 'http' ? { status: 403 } : {}),
      });
      await barrier();
      expect(tracedCount(trace, command, mark)).toBe(before);
    }
  });

  it.each(TRANSPORTS)(
    'start and kill of a managed VM (bridge actions) over %s: viewers are refused and nothing happens',
    async (transport) => {
      const managed = bridge.registry.require('managed');
      const processState = () => managed.snapshot().process;
      const alive = (pid: number) => {
        try {
          process.kill(pid, 0);
          return true;
        } catch {
          return false;
        }
      };
      expect(await send('viewer', transport, 'managed', 'vm.start', undefined, 'bridge')).toMatchObject({
        ok: false,
        class: 'Forbidden',
        desc: 'role viewer may not run vm.start',
      });
      expect(processState()?.state).not.toBe('running');
      for (const role of ['operator', 'admin'] as const) {
        expect(await send(role, transport, 'managed', 'vm.start', undefined, 'bridge')).toMatchObject({
          ok: true,
        });
        const pid = await waitFor(
          () => (managed.connection === 'connected' ? processState()?.pid : undefined),
          'QEMU started and connected',
        );
        expect(alive(pid as number)).toBe(true);
        expect(await send('viewer', transport, 'managed', 'vm.kill', undefined, 'bridge')).toMatchObject({
          ok: false,
          class: 'Forbidden',
          desc: 'role viewer may not run vm.kill',
        });
        expect(alive(pid as number)).toBe(true);
        expect(await send(role, transport, 'managed', 'vm.kill', undefined, 'bridge')).toMatchObject({
          ok: true,
        });
        expect(alive(pid as number)).toBe(false);
      }
    },
  );

  it('has an audit row for every attempt, with the user, role, path and outcome', async () => {
    const entries = bridge.audit.page({ limit: 1000 });
    const rows = (command: string, role: Role, client: (c: string | null) => boolean) =>
      entries.filter((e) => e.command === command && e.role === role && client(e.client));
    for (const [, command, role, transport, c] of cases) {
      const isHttp = (client: string | null) => client === 'http';
      const found = rows(command, role, transport === 'http' ? isHttp : (client) => !isHttp(client));
      expect(found.length, `${role} ${command} over ${transport}`).toBeGreaterThanOrEqual(1);
      expect(found[0]).toMatchObject({
        kind: 'command',
        user: roleUsers[role].name,
        vm: 'target',
        target: 'qmp',
        outcome: c.allowed.includes(role) ? 'ok' : 'Forbidden',
      });
    }
    const refusedStart = entries.find((e) => e.command === 'vm.start' && e.role === 'viewer');
    expect(refusedStart).toMatchObject({ target: 'bridge', vm: 'managed', outcome: 'Forbidden' });
  });
});
