/**
 * No credential ever appears in the bridge's log (at `trace`, its most talkative), in an answer's body, or in the
 * audit log: every token, password, session id and hash this test uses (good and bad, in headers, bodies, cookies,
 * command arguments, malformed JSON) is searched for in everything the bridge wrote and answered.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionKey } from '../auth/session-store.ts';
import { sha256 } from '../auth/token.ts';
import { createLogger } from '../log.ts';
import { LineClient } from '../qmp-proxy/testing/line-client.ts';
import type { RunningBridge } from '../server.ts';
import { bearer, getJson, postJson, requestJson, startTestBridge } from '../testing/bridge.ts';
import { startQemu, type TestQemu } from '../testing/qemu.ts';
import { rawRequest } from '../testing/raw-http.ts';
import { roleUsers, testPasswordHash, userConfig } from '../testing/users.ts';
import { waitFor } from '../testing/wait-for.ts';
import { TestWsClient } from '../testing/ws-client.ts';

describe('secrets in logs, answers and the audit log', () => {
  let dir: string;
  let qemu: TestQemu;
  let bridge: RunningBridge;
  const logText: string[] = [];
  const answers: string[] = [];
  const { viewer, operator, admin } = roleUsers;
  const secrets = new Set<string>();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bridge-secrets-'));
    qemu = await startQemu(dir, 'alpha');
    const sink = new Writable({
      write(chunk, _encoding, done) {
        logText.push(String(chunk));
        done();
      },
    });
    bridge = await startTestBridge(
      dir,
      {
        vms: [{ id: 'alpha', qmp: { socket: qemu.socket as string } }],
        users: [viewer, operator, admin].map(userConfig),
        authProxy: { userHeader: 'Remote-User', trustedProxies: ['127.0.0.2'] },
      },
      { log: createLogger('trace', 'json', sink) },
    );
    await waitFor(() => bridge.registry.get('alpha')?.status, 'alpha connected');
    for (const user of [viewer, operator, admin]) {
      secrets.add(user.token);
      secrets.add(user.password);
      secrets.add(testPasswordHash(user.password));
      secrets.add(testPasswordHash(user.password).split(':').at(-1) as string);
      secrets.add(sha256(user.token).toString('hex'));
    }
  });

  afterAll(async () => {
    await bridge?.stop();
    await qemu?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  const keep = <T extends { text: string }>(answer: T): T => {
    answers.push(answer.text);
    return answer;
  };

  it('uses every kind of credential, good and bad, on every path', async () => {
    const wrongPassword = 'a-wrong-password-4711';
    const badToken = 'a-bad-token-4711-0000';
    const forgedSession = 'forged-session-id-4711';
    const vncPassword = 'vnc-password-4711';
    const secretData = 'secret-object-data-4711';
    const monitorPassword = 'monitor-password-4711';
    // Short, so that the excerpt a JSON parse error quotes would hold it whole.
    const shortSecret = 'pw4711';
    for (const secret of [
      wrongPassword,
      badToken,
      forgedSession,
      vncPassword,
      secretData,
      monitorPassword,
      shortSecret,
    ]) {
      secrets.add(secret);
    }

    // Sign-ins: right, wrong, unknown name, and a malformed body that holds a password.
    const signIn = keep(
      await postJson(bridge, '/api/session', { name: viewer.name, password: viewer.password }),
    );
    const cookie = (signIn.headers.get('set-cookie') as string).split(';')[0] as string;
    const sessionId = cookie.slice('qmpdeck_session='.length);
    secrets.add(sessionId);
    secrets.add(sessionKey(sessionId));
    keep(await postJson(bridge, '/api/session', { name: viewer.name, password: wrongPassword }));
    keep(await postJson(bridge, '/api/session', { name: 'nobody', password: wrongPassword }));
    keep(await postJson(bridge, '/api/session', `{"name":"${viewer.name}","password":${shortSecret}}`));
    keep(await postJson(bridge, '/api/session', `{"name":"${viewer.name}","password":"${wrongPassword}`));
    keep(
      await postJson(bridge, '/api/session', {
        name: viewer.name,
        password: wrongPassword,
        extra: wrongPassword,
      }),
    );

    // Tokens and cookies, good and bad, on HTTP and the WebSocket upgrade.
    keep(await getJson(bridge, '/api/vms', bearer(operator.token)));
    keep(await getJson(bridge, '/api/vms', bearer(badToken)));
    keep(await getJson(bridge, '/api/vms', { authorization: `Basic ${badToken}` }));
    keep(await getJson(bridge, '/api/session', { cookie }));
    keep(await getJson(bridge, '/api/vms', { cookie: `qmpdeck_session=${forgedSession}` }));
    keep(
      await rawRequest(bridge.url, {
        path: '/api/session',
        headers: { 'remote-user': admin.name },
        localAddress: '127.0.0.2',
      }),
    );
    answers.push((await TestWsClient.refusal(bridge.url, bearer(badToken))).body);
    answers.push(
      (await TestWsClient.refusal(bridge.url, { cookie: `qmpdeck_session=${forgedSession}` })).body,
    );

    // Commands carrying secrets, over HTTP and the WebSocket, allowed and refused.
    const ws = await TestWsClient.connect(bridge.url, bearer(admin.token));
    const viewerWs = await TestWsClient.connect(bridge.url, { cookie });
    ws.send({ type: 'subscribe', vm: 'alpha', after: 0 });
    await ws.next((m) => m.type === 'subscribed');
    keep(
      await postJson(
        bridge,
        '/api/vms/alpha/execute',
        { execute: 'set_password', arguments: { protocol: 'vnc', password: vncPassword } },
        bearer(admin.token),
      ),
    );
    keep(
      await postJson(
        bridge,
        '/api/vms/alpha/execute',
        { execute: 'set_password', arguments: { protocol: 'vnc', password: vncPassword } },
        bearer(viewer.token),
      ),
    );
    await ws.request({
      type: 'execute',
      id: 's1',
      vm: 'alpha',
      execute: 'object-add',
      arguments: { 'qom-type': 'secret', id: 'sec1', data: secretData },
    });
    await ws.request({
      type: 'execute',
      id: 's2',
      vm: 'alpha',
      execute: 'human-monitor-command',
      arguments: { 'command-line': `change vnc password ${monitorPassword}` },
    });
    await viewerWs.request({
      type: 'execute',
      id: 's3',
      vm: 'alpha',
      execute: 'set_password',
      arguments: { protocol: 'vnc', password: vncPassword },
    });
    ws.send(
      `{"type":"execute","id":"s4","vm":"alpha","execute":"set_password","arguments":{"password":${vncPassword}}}`,
    );
    await ws.next((m) => m.type === 'error');
    ws.close();
    viewerWs.close();
    answers.push(...ws.frames, ...viewerWs.frames);

    // The QMP proxy (no qmpProxy.user: a client presents its token): a bad token, a good one, a secret in a command.
    const proxy = await LineClient.negotiated({
      path: bridge.registry.get('alpha')?.snapshot().qmpProxy?.socket as string,
    });
    const authenticate = (token: string, id: number) =>
      `{"execute":"__org.qmpdeck_authenticate","arguments":{"token":"${token}"},"id":${id}}`;
    await proxy.request(authenticate(badToken, 1), '1');
    await proxy.request(authenticate(admin.token, 2), '2');
    await proxy.request(
      `{"execute":"set_password","arguments":{"protocol":"vnc","password":"${vncPassword}"},"id":3}`,
      '3',
    );
    answers.push(...proxy.lines);
    // Not JSON: QEMU's parse error may quote a piece of it back to its sender (as QEMU does), never to the log.
    const from = proxy.lines.length;
    proxy.send(`{"execute":"__org.qmpdeck_authenticate","arguments":{"token":${shortSecret}}}\n`);
    await proxy.waitForLine((line) => line.includes('JSON parse error'), 'the parse error', 10_000, from);
    await proxy.close();

    keep(await requestJson(bridge, 'DELETE', '/api/session', undefined, { cookie }));
    keep(await getJson(bridge, '/api/vms/alpha/inflight', bearer(admin.token)));
    keep(await getJson(bridge, '/api/vms/alpha/events?after=0&limit=1000', bearer(admin.token)));
    keep(await getJson(bridge, '/api/audit?limit=1000', bearer(admin.token)));
  });

  it('wrote a log at trace level that mentions none of them', async () => {
    await bridge.stop();
    const log = logText.join('');
    // The log is there and detailed: commands, refusals, failed credentials.
    expect(log).toContain('"msg":"command"');
    expect(log).toContain('"msg":"credential refused"');
    expect(log).toContain('"msg":"sign-in refused"');
    // Debug lines too (nothing of the bridge logs at trace itself; the level lets everything through).
    expect(log).toMatch(/"level":20/);
    for (const secret of secrets) expect(log, secret).not.toContain(secret);
  });

  it('answered nothing, error bodies and the audit log included, that mentions any of them', () => {
    const everything = answers.join('\n');
    expect(everything).toContain('"kind":"sign-in-failed"');
    expect(everything).toContain('"origin":"qmp-proxy"');
    expect(everything).toContain('set_password');
    for (const secret of secrets) expect(everything, secret).not.toContain(secret);
  });
});
