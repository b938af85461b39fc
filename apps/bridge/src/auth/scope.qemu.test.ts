/**
 * Per-VM scope: a user scoped to `web-*` never receives a byte about the VM `zulu-db`. Every WebSocket frame and
 * HTTP body of that user's session is recorded while an admin makes `zulu-db` change state and emit events (and
 * have commands in flight), and then searched for its id. What the user asked about `zulu-db` itself is answered
 * exactly as for a VM that does not exist. The VM in scope does come through, so the recording is not empty.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBridge } from '../server.ts';
import { bearer, type JsonAnswer, postJson, requestJson, startTestBridge } from '../testing/bridge.ts';
import { refusedUpgrade } from '../testing/console-ws.ts';
import { startQemu, type TestQemu } from '../testing/qemu.ts';
import { testUser, userConfig } from '../testing/users.ts';
import { waitFor } from '../testing/wait-for.ts';
import { TestWsClient } from '../testing/ws-client.ts';

const HIDDEN = 'zulu-db';
/** A VM id that does not exist, for comparison: its answers must be the same as the hidden VM's. */
const MISSING = 'zulu-dx';

/** The `VmNotFound` answers to a subscribe or an execute naming a VM id: they only repeat the id asked about. */
function isAnswerToQuestionByName(frame: string): boolean {
  const message = JSON.parse(frame) as { type: string; id?: unknown; error?: { class: string } };
  if (message.type === 'error') return message.error?.class === 'VmNotFound';
  return message.type === 'result' && typeof message.id === 'string' && message.id.startsWith('x-');
}

describe('a user scoped to some VMs', () => {
  let dir: string;
  let web: TestQemu;
  let hidden: TestQemu;
  let bridge: RunningBridge;
  const scoped = testUser('sam', 'operator', ['web-*']);
  const admin = testUser('ada', 'admin');
  let cookie: string;
  /** Everything the scoped user's session received that did not answer a question naming a VM id itself. */
  const received: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bridge-scope-'));
    [web, hidden] = await Promise.all([startQemu(dir, 'web'), startQemu(dir, 'hidden')]);
    bridge = await startTestBridge(
      dir,
      {
        vms: [
          { id: 'web-1', qmp: { socket: web.socket as string } },
          { id: HIDDEN, qmp: { socket: hidden.socket as string } },
        ],
        users: [userConfig(scoped), userConfig(admin)],
        // Usage samples every second, so usage messages and series of both VMs exist while the user listens.
        metrics: { intervalSeconds: 1 },
      },
      { latestEventPushMs: 10 },
    );
    await waitFor(() => bridge.registry.all().every((vm) => vm.status !== null), 'both VMs connected');
    const signIn = await postJson(bridge, '/api/session', { name: scoped.name, password: scoped.password });
    expect(signIn.status).toBe(200);
    received.push(signIn.text);
    cookie = (signIn.headers.get('set-cookie') as string).split(';')[0] as string;
  });

  afterAll(async () => {
    await bridge?.stop();
    await Promise.all([web?.kill(), hidden?.kill()]);
    rmSync(dir, { recursive: true, force: true });
  });

  const asScoped = (method: string, path: string, body?: unknown): Promise<JsonAnswer> =>
    requestJson(bridge, method, path, body, { cookie });

  it('never receives anything about a VM out of scope, over the WebSocket or HTTP, while it changes', async () => {
    // Two sockets of the user: one by session cookie (the dashboard), one by token (a script).
    const bySession = await TestWsClient.connect(bridge.url, { cookie });
    const byToken = await TestWsClient.connect(bridge.url, bearer(scoped.token));
    const adminWs = await TestWsClient.connect(bridge.url, bearer(admin.token));
    for (const ws of [bySession, byToken])
      ws.send({ type: 'subscribe', vm: 'web-1', after: 0, batch: ws === byToken });
    adminWs.send({ type: 'subscribe', vm: HIDDEN, after: 0 });
    await bySession.next((m) => m.type === 'subscribed');
    await byToken.next((m) => m.type === 'subscribed');

    // The hidden VM runs, stops, runs, gets a device and has commands in flight; the visible one changes too.
    const asAdmin = (vm: string, execute: string, args?: Record<string, unknown>) =>
      postJson(
        bridge,
        `/api/vms/${vm}/execute`,
        { execute, ...(args ? { arguments: args } : {}) },
        bearer(admin.token),
      );
    for (const [vm, command, args] of [
      [HIDDEN, 'cont'],
      [HIDDEN, 'stop'],
      [HIDDEN, 'device_add', { driver: 'virtio-rng-pci', id: 'rng-zulu-db' }],
      [HIDDEN, 'cont'],
      ['web-1', 'cont'],
      [HIDDEN, 'stop'],
      ['web-1', 'stop'],
    ] as const) {
      expect((await asAdmin(vm, command, args)).status).toBe(200);
    }
    await waitFor(
      () =>
        adminWs.messages.filter((m) => m.type === 'event' && m.vm === HIDDEN && m.event === 'STOP').length >=
        2,
      "the hidden VM's events (as the admin sees them)",
    );
    await waitFor(
      () => bySession.messages.some((m) => m.type === 'event' && m.vm === 'web-1' && m.event === 'STOP'),
      "the visible VM's events",
    );
    await waitFor(
      () => byToken.messages.some((m) => m.type === 'events' && m.events.some((e) => e.event === 'STOP')),
      "the visible VM's batched events",
    );
    await waitFor(
      () => adminWs.messages.some((m) => m.type === 'usage' && m.vm === HIDDEN),
      "the hidden VM's usage (as the admin sees it)",
    );
    await waitFor(
      () => bySession.messages.some((m) => m.type === 'usage' && m.vm === 'web-1'),
      "the visible VM's usage",
    );
    // The admin's socket did get vm messages about the hidden VM, so they were sent, just not to this user.
    expect(adminWs.messages.some((m) => m.type === 'vm' && m.vm.id === HIDDEN)).toBe(true);
    expect(bySession.messages.some((m) => m.type === 'vm' && m.vm.id === 'web-1')).toBe(true);
    expect(bySession.messages.some((m) => m.type === 'inflight' && m.vm === 'web-1')).toBe(true);

    // Asking about the hidden VM by name over the WebSocket: answered as for a VM that does not exist.
    for (const ws of [bySession, byToken]) {
      for (const vm of [HIDDEN, MISSING]) {
        ws.send({ type: 'subscribe', vm });
        const refused = await ws.next((m) => m.type === 'error');
        expect(refused).toEqual({
          type: 'error',
          error: { class: 'VmNotFound', desc: `no VM with id "${vm}"` },
        });
        const result = await ws.request({ type: 'execute', id: `x-${vm}`, vm, execute: 'query-status' });
        expect(result).toEqual({
          type: 'result',
          id: `x-${vm}`,
          error: { class: 'VmNotFound', desc: `no VM with id "${vm}"` },
        });
      }
    }
    bySession.close();
    byToken.close();
    adminWs.close();
    for (const ws of [bySession, byToken]) {
      // Leave out only the answers to the questions naming an id, checked above to be a plain "not found".
      received.push(...ws.frames.filter((frame) => !isAnswerToQuestionByName(frame)));
    }
    expect(received.join('\n')).toContain('web-1');
  });

  it('gets the same 404 for every route of the hidden VM as for one that does not exist', async () => {
    const routes: [string, string, unknown?][] = [
      ['GET', '/api/vms/ID'],
      ['GET', '/api/vms/ID/events?after=0'],
      ['GET', '/api/vms/ID/inflight'],
      ['GET', '/api/vms/ID/schema'],
      ['POST', '/api/vms/ID/execute', { execute: 'query-status' }],
      ['POST', '/api/vms/ID/guest/execute', { execute: 'guest-ping' }],
      ['POST', '/api/vms/ID/start', {}],
      ['POST', '/api/vms/ID/kill', {}],
      ['GET', '/api/vms/ID/metrics?range=day'],
      ['GET', '/api/vms/ID/hardware'],
      ['POST', '/api/vms/ID/nics', {}],
      ['POST', '/api/vms/ID/media', { drive: 'cd0', image: null }],
      ['POST', '/api/vms/ID/disks', { image: 'local:disk.img' }],
      ['DELETE', '/api/vms/ID/nics/nic0'],
      ['DELETE', '/api/vms/ID/disks/disk0'],
      ['GET', '/api/vms/ID/screenshot'],
      ['GET', '/api/vms/ID/serial/serial0/log'],
    ];
    for (const [method, path, body] of routes) {
      const hiddenAnswer = await asScoped(method, path.replace('ID', HIDDEN), body);
      const missingAnswer = await asScoped(method, path.replace('ID', MISSING), body);
      expect(hiddenAnswer.status, `${method} ${path}`).toBe(404);
      expect(hiddenAnswer.text.replaceAll(HIDDEN, MISSING)).toBe(missingAnswer.text);
      expect(hiddenAnswer.body).toEqual({
        error: { class: 'VmNotFound', desc: `no VM with id "${HIDDEN}"` },
      });
    }
    // The consoles' WebSocket upgrades with the session cookie, as the Console tab opens them.
    for (const path of ['/api/vms/ID/vnc', '/api/vms/ID/serial/serial0']) {
      const hiddenAnswer = await refusedUpgrade(bridge.url, path.replace('ID', HIDDEN), { cookie });
      const missingAnswer = await refusedUpgrade(bridge.url, path.replace('ID', MISSING), { cookie });
      expect(hiddenAnswer, path).toEqual({
        status: 404,
        body: { error: { class: 'VmNotFound', desc: `no VM with id "${HIDDEN}"` } },
      });
      expect(JSON.stringify(hiddenAnswer).replaceAll(HIDDEN, MISSING)).toBe(JSON.stringify(missingAnswer));
    }
  });

  it('lists only its VMs, sees only them in its session, health counts all without names, and cannot read the audit', async () => {
    const answers = await Promise.all([
      asScoped('GET', '/api/vms'),
      asScoped('GET', '/api/vms/web-1'),
      asScoped('GET', '/api/vms/web-1/events?after=0'),
      asScoped('GET', '/api/vms/web-1/inflight'),
      asScoped('GET', '/api/session'),
      asScoped('GET', '/api/health'),
      asScoped('GET', '/api/audit'),
      asScoped('GET', `/api/audit?vm=${HIDDEN}`),
      asScoped('GET', '/api/vms/web-1/hardware'),
    ]);
    const [list, vm, events, , session, health, audit, , hardware] = answers;
    expect(hardware?.status).toBe(200);
    // The Prometheus exposition of the same session: its VM's series, the hidden one's left out (checked below).
    const metrics = await fetch(`${bridge.url}/metrics`, { headers: { cookie } });
    expect(metrics.status).toBe(200);
    const exposition = await metrics.text();
    expect(exposition).toContain('qmpdeck_vm_up{vm="web-1"} 1');
    expect(exposition).toContain('qmpdeck_vm_memory_rss_bytes{vm="web-1"}');
    received.push(exposition);
    expect(list?.body.map((v: { id: string }) => v.id)).toEqual(['web-1']);
    expect(vm?.body.id).toBe('web-1');
    expect(events?.body.events.length).toBeGreaterThan(0);
    expect(session?.body).toMatchObject({
      user: { name: 'sam', role: 'operator' },
      vms: ['web-*'],
      via: 'session',
    });
    expect(health?.body.vms.total).toBe(2);
    expect(audit?.body).toEqual({
      error: { class: 'Forbidden', desc: 'role operator may not run audit.read' },
    });
    for (const answer of answers) {
      // The audit request with ?vm= named the hidden VM itself; its answer must still not repeat it.
      received.push(answer.text);
    }
  });

  it('an admin scoped to web-* reads no audit entry about the hidden VM', async () => {
    await bridge.stop();
    const scopedAdmin = testUser('sid', 'admin', ['web-*']);
    bridge = await startTestBridge(dir, {
      vms: [
        { id: 'web-1', qmp: { socket: web.socket as string } },
        { id: HIDDEN, qmp: { socket: hidden.socket as string } },
      ],
      users: [userConfig(scopedAdmin), userConfig(admin)],
    });
    const page = await requestJson(
      bridge,
      'GET',
      '/api/audit?limit=1000',
      undefined,
      bearer(scopedAdmin.token),
    );
    expect(page.status).toBe(200);
    expect(page.body.entries.some((e: { vm: string | null }) => e.vm === 'web-1')).toBe(true);
    received.push(page.text);
    const all = await requestJson(bridge, 'GET', '/api/audit?limit=1000', undefined, bearer(admin.token));
    expect(all.text).toContain(HIDDEN);
  });

  it('found no trace of the hidden VM in anything the scoped users received', () => {
    const everything = received.join('\n');
    expect(everything.length).toBeGreaterThan(1000);
    expect(everything).not.toContain(HIDDEN);
    expect(everything).not.toContain('zulu');
    expect(everything).not.toContain(hidden.socket as string);
  });
});
