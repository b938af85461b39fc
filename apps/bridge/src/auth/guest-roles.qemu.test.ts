/**
 * Roles against the guest agent's commands, over HTTP and the WebSocket, with the real demo guest: its reads
 * (`guest-get-osinfo`) for operators and admins, `guest-exec` for admins only. On the guest's side: an allowed
 * `guest-exec` creates its marker file in the guest, a refused one does not (an admin looks afterwards), and a
 * refused read is answered `Forbidden` without reaching the agent (never in flight). One boot for the file.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Role } from '@qmpdeck/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoGuest, demoGuestBaseArgs, NO_GUEST_REASON } from '../guest/testing/demo-guest.ts';
import type { RunningBridge } from '../server.ts';
import { bearer, postJson, startTestBridge } from '../testing/bridge.ts';
import { ROLES, roleUsers, userConfig } from '../testing/users.ts';
import { waitFor } from '../testing/wait-for.ts';
import { TestWsClient } from '../testing/ws-client.ts';

if (!demoGuest) console.warn(NO_GUEST_REASON);

/** As the guest tests: a loaded 2-core machine stretches a TCG boot several-fold. */
const BOOT_WAIT_MS = 120_000;
const TRANSPORTS = ['http', 'ws'] as const;

describe.skipIf(!demoGuest)('roles against the guest agent', () => {
  let dir: string;
  let bridge: RunningBridge;
  const sockets = new Map<Role, TestWsClient>();
  let nextId = 1;
  const inflightSeen: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bridge-guest-roles-'));
    const guest = demoGuest as NonNullable<typeof demoGuest>;
    bridge = await startTestBridge(dir, {
      vms: [{ id: 'linux', launch: { args: demoGuestBaseArgs(guest) } }],
      users: ROLES.map((role) => userConfig(roleUsers[role])),
    });
    for (const role of ROLES) {
      sockets.set(role, await TestWsClient.connect(bridge.url, bearer(roleUsers[role].token)));
    }
    const admin = sockets.get('admin') as TestWsClient;
    admin.send({ type: 'subscribe', vm: 'linux' });
    await waitFor(
      () => bridge.registry.get('linux')?.snapshot().guest?.agent === 'connected',
      'the guest agent',
      BOOT_WAIT_MS,
    );
  }, BOOT_WAIT_MS + 30_000);

  afterAll(async () => {
    for (const socket of sockets.values()) socket.close();
    await bridge?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function guest(
    role: Role,
    transport: (typeof TRANSPORTS)[number],
    command: string,
    args?: Record<string, unknown>,
  ): Promise<{ ok: true; value: unknown } | { ok: false; class: string; desc: string }> {
    const body = { execute: command, ...(args ? { arguments: args } : {}) };
    if (transport === 'http') {
      const answer = await postJson(
        bridge,
        '/api/vms/linux/guest/execute',
        body,
        bearer(roleUsers[role].token),
      );
      return answer.status === 200
        ? { ok: true, value: answer.body.return }
        : { ok: false, ...answer.body.error };
    }
    const socket = sockets.get(role) as TestWsClient;
    const result = await socket.request({
      type: 'execute',
      id: `g${nextId++}`,
      vm: 'linux',
      target: 'guest',
      ...body,
    });
    if (result.type === 'result' && 'return' in result) return { ok: true, value: result.return };
    if (result.type === 'result' && 'error' in result) return { ok: false, ...result.error };
    throw new Error(`unexpected answer ${JSON.stringify(result)}`);
  }

  /** Whether a file exists in the guest, asked by an admin through the agent. */
  async function guestHasFile(path: string): Promise<boolean> {
    const opened = await guest('admin', 'http', 'guest-file-open', { path, mode: 'r' });
    if (!opened.ok) return false;
    await guest('admin', 'http', 'guest-file-close', { handle: opened.value });
    return true;
  }

  const cases = ROLES.flatMap((role) => TRANSPORTS.map((transport) => [role, transport] as const));

  it.each(cases)('guest-get-osinfo (a guest read) as %s over %s', async (role, transport) => {
    const answer = await guest(role, transport, 'guest-get-osinfo');
    if (role === 'viewer') {
      expect(answer).toEqual({
        ok: false,
        class: 'Forbidden',
        desc: 'role viewer may not run guest-get-osinfo',
      });
    } else {
      // The guest's own kernel answered.
      expect(answer).toMatchObject({ ok: true, value: { 'kernel-release': expect.any(String) } });
    }
  });

  it.each(cases)(
    'guest-exec as %s over %s runs in the guest only for an admin',
    async (role, transport) => {
      const marker = `/tmp/exec-${role}-${transport}`;
      const answer = await guest(role, transport, 'guest-exec', {
        path: '/bin/sh',
        arg: ['-c', `touch ${marker}`],
        'capture-output': true,
      });
      if (role !== 'admin') {
        expect(answer).toEqual({
          ok: false,
          class: 'Forbidden',
          desc: `role ${role} may not run guest-exec`,
        });
        expect(await guestHasFile(marker)).toBe(false);
        return;
      }
      expect(answer).toMatchObject({ ok: true, value: { pid: expect.any(Number) } });
      const { pid } = (answer as { value: { pid: number } }).value;
      await waitFor(async () => {
        const status = await guest('admin', 'http', 'guest-exec-status', { pid });
        return status.ok && (status.value as { exited: boolean }).exited;
      }, 'the command to finish in the guest');
      expect(await guestHasFile(marker)).toBe(true);
    },
    60_000,
  );

  it('never put a refused guest command in flight', () => {
    const admin = sockets.get('admin') as TestWsClient;
    for (const message of admin.messages) {
      if (message.type === 'inflight')
        inflightSeen.push(...message.commands.map((c) => `${c.user} ${c.execute}`));
    }
    expect(inflightSeen).toContain('ada guest-exec');
    expect(inflightSeen.filter((entry) => /^(vera|otto) guest-exec$/.test(entry))).toEqual([]);
    expect(inflightSeen.filter((entry) => entry.startsWith('vera '))).toEqual([]);
  });
});
