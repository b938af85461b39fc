/**
 * Credentials over real HTTP and WebSocket, with a real QEMU: what is public and what answers 401, the security
 * headers, signing in and out (the cookie, the session surviving a restart, sign-out ending it on the server and
 * closing its WebSocket with 4401), idle and absolute expiry on an injected clock, foreign origins refused whatever
 * the credential, the reverse proxy's user header believed only from a trusted address, the client address behind
 * `trustProxy`, and the audit log: a row for each path and outcome, arguments redacted, causes naming the user.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditEntry, EventRecord } from '@qmpdeck/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDACTED } from '../audit/redact-arguments.ts';
import { CONTENT_SECURITY_POLICY } from '../http/security-headers.ts';
import type { RunningBridge, StartOptions } from '../server.ts';
import { bearer, getJson, postJson, requestJson, startTestBridge } from '../testing/bridge.ts';
import { startQemu, type TestQemu } from '../testing/qemu.ts';
import { rawRequest } from '../testing/raw-http.ts';
import { roleUsers, userConfig } from '../testing/users.ts';
import { waitFor } from '../testing/wait-for.ts';
import { TestWsClient } from '../testing/ws-client.ts';

const MINUTE = 60_000;
const { viewer, operator, admin } = roleUsers;

describe('credentials', () => {
  let dir: string;
  let qemu: TestQemu;
  let bridge: RunningBridge;
  const clock = { now: Date.now() };

  const config = () => ({
    vms: [{ id: 'alpha', qmp: { socket: qemu.socket as string } }],
    users: [viewer, operator, admin].map(userConfig),
    authProxy: { userHeader: 'Remote-User', trustedProxies: ['127.0.0.2/32'] },
    trustProxy: ['127.0.0.2'],
    session: { idleMinutes: 120, maxHours: 24 },
  });
  const options: Partial<StartOptions> = { now: () => clock.now };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bridge-credentials-'));
    qemu = await startQemu(dir, 'alpha');
    bridge = await startTestBridge(dir, config(), options);
    await waitFor(() => bridge.registry.get('alpha')?.status, 'alpha connected');
  });

  afterAll(async () => {
    await bridge?.stop();
    await qemu?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  async function signIn(user = operator): Promise<string> {
    const answer = await postJson(bridge, '/api/session', { name: user.name, password: user.password });
    expect(answer.status).toBe(200);
    return (answer.headers.get('set-cookie') as string).split(';')[0] as string;
  }

  describe('without a credential', () => {
    const protectedRoutes: [string, string, unknown?][] = [
      ['GET', '/api/vms'],
      ['GET', '/api/vms/alpha'],
      ['GET', '/api/vms/alpha/events?after=0'],
      ['GET', '/api/vms/alpha/inflight'],
      ['GET', '/api/vms/alpha/schema'],
      ['POST', '/api/vms/alpha/execute', { execute: 'stop' }],
      ['POST', '/api/vms/alpha/guest/execute', { execute: 'guest-ping' }],
      ['POST', '/api/vms/alpha/start', {}],
      ['POST', '/api/vms/alpha/kill', {}],
      ['GET', '/api/vms/alpha/metrics?range=hour'],
      ['GET', '/api/vms/alpha/hardware'],
      ['POST', '/api/vms/alpha/nics', {}],
      ['POST', '/api/vms/alpha/media', { drive: 'cd0', image: null }],
      ['POST', '/api/vms/alpha/disks', { image: 'local:disk.img' }],
      ['DELETE', '/api/vms/alpha/nics/nic0'],
      ['DELETE', '/api/vms/alpha/disks/disk0'],
      // Outside /api, but the Prometheus exposition is protected like it.
      ['GET', '/metrics'],
      ['GET', '/api/session'],
      ['GET', '/api/audit'],
      ['GET', '/api/no-such-route'],
      ['DELETE', '/api/vms'],
      ['GET', '/api'],
    ];

    it.each(protectedRoutes)('%s %s answers 401 with WWW-Authenticate', async (method, path, body) => {
      const answer = await requestJson(bridge, method, path, body);
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual({
        error: { class: 'Unauthorized', desc: 'sign in, or send "Authorization: Bearer <token>"' },
      });
      expect(answer.headers.get('www-authenticate')).toBe('Bearer realm="qmpdeck"');
    });

    it('refuses the WebSocket upgrade with a 401 and the same JSON body', async () => {
      const refusal = await TestWsClient.refusal(bridge.url);
      expect(refusal.status).toBe(401);
      expect(refusal.headers['www-authenticate']).toBe('Bearer realm="qmpdeck"');
      expect(JSON.parse(refusal.body)).toMatchObject({ error: { class: 'Unauthorized' } });
    });

    it('serves health (counts, no names), the web app and its sign-in route, and the sign-in itself', async () => {
      const health = await getJson(bridge, '/api/health');
      expect(health.status).toBe(200);
      expect(health.body.vms.total).toBe(1);
      expect(health.text).not.toContain('alpha');
      for (const path of ['/', '/sign-in', '/vms/alpha']) {
        expect((await rawRequest(bridge.url, { path })).status, path).toBe(200);
      }
      const wrong = await postJson(bridge, '/api/session', { name: operator.name, password: 'nope' });
      expect(wrong.status).toBe(401);
    });

    it('refuses a bad token, a malformed Authorization and an unknown cookie (which it clears)', async () => {
      const badToken = await getJson(bridge, '/api/vms', bearer('a-token-nobody-has-0000'));
      expect(badToken.body.error).toEqual({ class: 'Unauthorized', desc: 'the token is not valid' });
      const basic = await getJson(bridge, '/api/vms', { authorization: 'Basic YWRhOnB3' });
      expect(basic.body.error.desc).toBe('expected "Authorization: Bearer <token>"');
      const forged = await getJson(bridge, '/api/vms', { cookie: 'qmpdeck_session=forged' });
      expect(forged.status).toBe(401);
      expect(forged.headers.get('set-cookie')).toMatch(/^qmpdeck_session=; Max-Age=0; Path=\//);
      // An encoded spelling of /api does not reach an API route as a public path.
      const encoded = await rawRequest(bridge.url, { path: '/%61pi/vms' });
      expect(encoded.text).not.toContain('"connection"');
      clock.now += 16 * MINUTE; // past the failure window, for the tests that follow
    });
  });

  it('puts the security headers on every answer: API, refusals, the web app', async () => {
    const answers = [
      await rawRequest(bridge.url, { path: '/api/health' }),
      await rawRequest(bridge.url, { path: '/api/vms' }),
      await rawRequest(bridge.url, { path: '/api/vms', headers: bearer(admin.token) }),
      await rawRequest(bridge.url, { path: '/' }),
      await rawRequest(bridge.url, { path: '/assets/missing.js' }),
    ];
    const csp = Object.entries(CONTENT_SECURITY_POLICY)
      .map(([name, values]) => `${name} ${values.join(' ')}`)
      .join(';');
    expect(csp).toContain("script-src 'self';");
    for (const answer of answers) {
      expect(answer.headers['content-security-policy']).toBe(csp);
      expect(answer.headers['x-content-type-options']).toBe('nosniff');
      expect(answer.headers['referrer-policy']).toBe('no-referrer');
      expect(answer.headers['x-frame-options']).toBe('DENY');
      expect(answer.headers['strict-transport-security']).toBeUndefined();
    }
  });

  it('signs in with a session cookie (HttpOnly, SameSite=Strict, Path=/, not Secure over HTTP) and says who is signed in', async () => {
    const answer = await postJson(bridge, '/api/session', { name: viewer.name, password: viewer.password });
    expect(answer.status).toBe(200);
    const cookie = answer.headers.get('set-cookie') as string;
    expect(cookie).toMatch(
      /^qmpdeck_session=[A-Za-z0-9_-]{43}; Max-Age=86400; Path=\/; HttpOnly; SameSite=Strict$/,
    );
    expect(answer.body).toMatchObject({
      auth: true,
      user: { name: viewer.name, role: 'viewer' },
      via: 'session',
    });
    expect(answer.body.policy.deny).toContain('query-chardev');
    const session = await getJson(bridge, '/api/session', { cookie: cookie.split(';')[0] as string });
    expect(session.body).toEqual(answer.body);
    const token = await getJson(bridge, '/api/session', bearer(admin.token));
    expect(token.body).toEqual({
      auth: true,
      user: { name: admin.name, role: 'admin' },
      policy: { allow: ['*'], deny: [] },
      vms: null,
      via: 'token',
    });
    const ws = await TestWsClient.connect(bridge.url, { cookie: cookie.split(';')[0] as string });
    expect(ws.messages[0]).toMatchObject({ type: 'hello', user: { name: viewer.name, role: 'viewer' } });
    ws.close();
  });

  it('answers an unknown name and a wrong password alike', async () => {
    const unknown = await postJson(bridge, '/api/session', { name: 'mallory', password: 'x' });
    const wrong = await postJson(bridge, '/api/session', { name: admin.name, password: 'x' });
    expect(unknown.status).toBe(401);
    expect(unknown.text).toBe(wrong.text);
    clock.now += 16 * MINUTE;
  });

  it('refuses foreign origins whatever the credential; same-origin pages and scripts pass', async () => {
    const evil = { origin: 'http://evil.example', ...bearer(admin.token) };
    const post = await postJson(bridge, '/api/vms/alpha/execute', { execute: 'query-status' }, evil);
    expect(post.status).toBe(403);
    expect(post.body.error.class).toBe('Forbidden');
    const signOut = await requestJson(bridge, 'DELETE', '/api/session', undefined, evil);
    expect(signOut.status).toBe(403);
    const upgrade = await TestWsClient.refusal(bridge.url, evil);
    expect(upgrade.status).toBe(403);
    const own = { origin: bridge.url, ...bearer(admin.token) };
    expect((await postJson(bridge, '/api/vms/alpha/execute', { execute: 'query-status' }, own)).status).toBe(
      200,
    );
    (await TestWsClient.connect(bridge.url, own)).close();
  });

  it('answers any Host name when it has users and no allowedHosts (a rebinding page has no credential to send)', async () => {
    const renamed = await rawRequest(bridge.url, {
      path: '/api/vms',
      headers: { host: 'deck.lan:8080', ...bearer(viewer.token) },
    });
    expect(renamed.status).toBe(200);
    const rebound = await rawRequest(bridge.url, { path: '/api/vms', headers: { host: 'evil.example' } });
    expect(rebound.status).toBe(401);
  });

  it('believes the proxy user header only from a trusted proxy address, and refuses names it does not know', async () => {
    const header = { 'remote-user': admin.name };
    const untrusted = await rawRequest(bridge.url, { path: '/api/session', headers: header });
    expect(untrusted.status).toBe(401);
    const trusted = await rawRequest(bridge.url, {
      path: '/api/session',
      headers: header,
      localAddress: '127.0.0.2',
    });
    expect(trusted.status).toBe(200);
    expect(trusted.json()).toMatchObject({ user: { name: admin.name, role: 'admin' }, via: 'proxy' });
    const unknown = await rawRequest(bridge.url, {
      path: '/api/session',
      headers: { 'remote-user': 'mallory' },
      localAddress: '127.0.0.2',
    });
    expect(unknown.status).toBe(403);
    expect(unknown.json().error.class).toBe('Forbidden');
    // From the untrusted address the header adds nothing to a token, and takes nothing from it.
    const withToken = await rawRequest(bridge.url, {
      path: '/api/session',
      headers: { ...header, ...bearer(viewer.token) },
    });
    expect(withToken.json()).toMatchObject({ user: { name: viewer.name }, via: 'token' });
  });

  it('takes the client address from X-Forwarded-For only behind a trusted proxy (trustProxy)', async () => {
    const forwarded = { 'x-forwarded-for': '203.0.113.9', ...bearer(operator.token) };
    await rawRequest(bridge.url, {
      method: 'POST',
      path: '/api/vms/alpha/execute',
      headers: forwarded,
      body: JSON.stringify({ execute: 'query-name', origin: 'via proxy' }),
      localAddress: '127.0.0.2',
    });
    await rawRequest(bridge.url, {
      method: 'POST',
      path: '/api/vms/alpha/execute',
      headers: forwarded,
      body: JSON.stringify({ execute: 'query-name', origin: 'spoofed' }),
    });
    const rows = bridge.audit.page({ user: operator.name, limit: 10 });
    expect(rows.find((e) => e.origin === 'via proxy')?.remote).toBe('203.0.113.9');
    expect(rows.find((e) => e.origin === 'spoofed')?.remote).toBe('127.0.0.1');
  });

  it('keeps a session across a bridge restart; sign-out ends it on the server and closes its WebSocket (4401)', async () => {
    const cookie = await signIn(operator);
    await bridge.stop();
    bridge = await startTestBridge(dir, config(), options);
    await waitFor(() => bridge.registry.get('alpha')?.status, 'alpha connected again');
    expect((await getJson(bridge, '/api/session', { cookie })).body.user.name).toBe(operator.name);
    const ws = await TestWsClient.connect(bridge.url, { cookie });
    const other = await TestWsClient.connect(bridge.url, { cookie: await signIn(operator) });
    const signOut = await requestJson(bridge, 'DELETE', '/api/session', undefined, { cookie });
    expect(signOut.status).toBe(204);
    expect(signOut.headers.get('set-cookie')).toMatch(
      /^qmpdeck_session=; Max-Age=0; Path=\/;.*HttpOnly; SameSite=Strict$/,
    );
    await waitFor(() => ws.closed, "the session's WebSocket closed");
    expect(ws.closeCode).toBe(4401);
    // Another session of the same user is its own: it stays.
    expect(other.closed).toBe(false);
    other.close();
    const after = await getJson(bridge, '/api/session', { cookie });
    expect(after.status).toBe(401);
    expect((await TestWsClient.refusal(bridge.url, { cookie })).status).toBe(401);
  });

  it('ends a session idle for 2 hours; an open WebSocket keeps its own alive until the absolute limit, then is closed', async () => {
    const idle = await signIn(operator);
    const kept = await signIn(operator);
    const ws = await TestWsClient.connect(bridge.url, { cookie: kept });
    for (let step = 0; step < 4; step++) {
      clock.now += 61 * MINUTE;
      bridge.hub.checkSessions();
    }
    expect((await getJson(bridge, '/api/session', { cookie: idle })).body.error).toEqual({
      class: 'Unauthorized',
      desc: 'the session has ended; sign in again',
    });
    expect((await getJson(bridge, '/api/session', { cookie: kept })).status).toBe(200);
    expect(ws.closed).toBe(false);
    clock.now += 20 * 60 * MINUTE;
    bridge.hub.checkSessions();
    await waitFor(() => ws.closed, 'the WebSocket closed at the absolute limit');
    expect(ws.closeCode).toBe(4401);
    expect((await getJson(bridge, '/api/session', { cookie: kept })).status).toBe(401);
  });

  describe('the audit log', () => {
    let entries: AuditEntry[];

    beforeAll(async () => {
      clock.now += 16 * MINUTE;
      const ws = await TestWsClient.connect(bridge.url, bearer(operator.token));
      ws.send({ type: 'subscribe', vm: 'alpha' });
      await ws.next((m) => m.type === 'subscribed');
      const as = (user: typeof admin, execute: string, args?: Record<string, unknown>) =>
        postJson(
          bridge,
          '/api/vms/alpha/execute',
          { execute, arguments: args, origin: 'audit test' },
          bearer(user.token),
        );
      await as(admin, 'query-status');
      await as(admin, 'no-such-command');
      await as(viewer, 'stop');
      await as(admin, 'set_password', { protocol: 'vnc', password: 'vnc-secret-42' });
      await as(admin, 'object-add', { 'qom-type': 'secret', id: 'sec0', data: 'object-secret-42' });
      await ws.request({ type: 'execute', id: 'w1', vm: 'alpha', execute: 'cont', origin: 'Resume button' });
      await ws.request({
        type: 'execute',
        id: 'w2',
        vm: 'alpha',
        execute: 'human-monitor-command',
        arguments: { 'command-line': 'info status' },
      });
      await postJson(bridge, '/api/vms/alpha/guest/execute', { execute: 'guest-ping' }, bearer(admin.token));
      await postJson(bridge, '/api/vms/alpha/start', {}, bearer(operator.token));
      await getJson(bridge, '/api/vms/alpha/schema', bearer(viewer.token));
      await getJson(bridge, '/api/audit?limit=1', bearer(operator.token));
      const cookie = await signIn(viewer);
      await postJson(bridge, '/api/session', { name: 'no-such-user', password: 'x' });
      await requestJson(bridge, 'DELETE', '/api/session', undefined, { cookie });
      const page = await getJson(bridge, '/api/audit?limit=1000', bearer(admin.token));
      expect(page.status).toBe(200);
      entries = page.body.entries as AuditEntry[];
      ws.close();
    });

    const find = (match: Partial<AuditEntry>) =>
      entries.find((entry) =>
        Object.entries(match).every(([key, value]) => entry[key as keyof AuditEntry] === value),
      );

    it.each<[string, Partial<AuditEntry>, Partial<AuditEntry>]>([
      [
        'an HTTP command that ran',
        { command: 'query-status', user: admin.name },
        { outcome: 'ok', client: 'http', origin: 'audit test' },
      ],
      ['a command QEMU refused', { command: 'no-such-command' }, { outcome: 'CommandNotFound' }],
      [
        'a command the policy refused',
        { command: 'stop', user: viewer.name },
        { outcome: 'Forbidden', role: 'viewer', error: 'role viewer may not run stop' },
      ],
      [
        'a WebSocket command',
        { command: 'cont', user: operator.name },
        { outcome: 'ok', origin: 'Resume button', role: 'operator' },
      ],
      [
        'a human monitor command of an operator',
        { command: 'human-monitor-command' },
        { outcome: 'Forbidden' },
      ],
      [
        'a guest agent command',
        { command: 'guest-ping' },
        { target: 'guest', outcome: 'GuestAgentUnavailable' },
      ],
      ['a bridge action', { command: 'vm.start' }, { target: 'bridge', outcome: 'NotManaged', vm: 'alpha' }],
      [
        'the schema route',
        { command: 'query-qmp-schema' },
        { outcome: 'ok', origin: 'schema', user: viewer.name },
      ],
      [
        'reading the audit log, refused',
        { command: 'audit.read', user: operator.name },
        { outcome: 'Forbidden', vm: null },
      ],
      [
        'a sign-in',
        { kind: 'sign-in', user: viewer.name },
        { outcome: 'ok', role: 'viewer', remote: '127.0.0.1' },
      ],
      [
        'a failed sign-in, with the name tried',
        { kind: 'sign-in-failed', user: 'no-such-user' },
        { outcome: 'Unauthorized', role: null },
      ],
      ['a sign-out', { kind: 'sign-out', user: viewer.name }, { outcome: 'ok' }],
    ])('has a row for %s', (_what, match, expected) => {
      const entry = find(match);
      expect(entry, JSON.stringify(match)).toBeDefined();
      expect(entry).toMatchObject(expected);
      if (entry?.kind === 'command') expect(entry.durationMs).toEqual(expect.any(Number));
    });

    it('stores arguments with their secrets redacted', () => {
      expect(find({ command: 'set_password' })?.arguments).toEqual({ protocol: 'vnc', password: REDACTED });
      expect(find({ command: 'object-add' })?.arguments).toEqual({
        'qom-type': 'secret',
        id: 'sec0',
        data: REDACTED,
      });
      expect(JSON.stringify(entries)).not.toMatch(/vnc-secret-42|object-secret-42/);
    });

    it('names the user in the cause of the events a command caused', async () => {
      const events = (await getJson(bridge, '/api/vms/alpha/events?after=0&limit=1000', bearer(admin.token)))
        .body.events as EventRecord[];
      const resume = events.filter((e) => e.event === 'RESUME').at(-1);
      expect(resume?.cause).toMatchObject({ command: 'cont', user: operator.name, origin: 'Resume button' });
    });
  });
});
