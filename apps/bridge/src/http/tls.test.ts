/**
 * The bridge serving TLS itself (`tls: { cert, key }`): HTTPS and WSS with a self-signed certificate the test
 * makes with `openssl`, the session cookie marked Secure, HSTS sent; a certificate that is missing, not PEM, or
 * not the key's refuses the start with a sentence saying which.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningBridge, StartupError } from '../server.ts';
import { startTestBridge } from '../testing/bridge.ts';
import { makeCertificate } from '../testing/certificate.ts';
import { rawRequest } from '../testing/raw-http.ts';
import { roleUsers, userConfig } from '../testing/users.ts';
import { TestWsClient } from '../testing/ws-client.ts';

describe('TLS', () => {
  let dir: string;
  let tls: { cert: string; key: string };
  let ca: Buffer;
  let bridge: RunningBridge;
  const user = roleUsers.operator;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bridge-tls-'));
    tls = makeCertificate(dir);
    ca = readFileSync(tls.cert);
    bridge = await startTestBridge(dir, { users: [userConfig(user)], tls, allowedHosts: ['deck.lan'] });
  });

  afterAll(async () => {
    await bridge?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves HTTPS with HSTS, and the session cookie is Secure', async () => {
    expect(bridge.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const health = await rawRequest(bridge.url, { path: '/api/health', ca });
    expect(health.status).toBe(200);
    expect(health.headers['strict-transport-security']).toBe('max-age=31536000');
    const signIn = await rawRequest(bridge.url, {
      method: 'POST',
      path: '/api/session',
      body: JSON.stringify({ name: user.name, password: user.password }),
      ca,
    });
    expect(signIn.status).toBe(200);
    const cookie = signIn.headers['set-cookie']?.[0] as string;
    expect(cookie).toMatch(/; Path=\/; HttpOnly; Secure; SameSite=Strict$/);
    const session = await rawRequest(bridge.url, {
      path: '/api/session',
      headers: { cookie: cookie.split(';')[0] as string },
      ca,
    });
    expect(session.json()).toMatchObject({ user: { name: user.name }, via: 'session' });
  });

  it('checks the Host header when allowedHosts is set, users or not', async () => {
    const headers = { authorization: `Bearer ${user.token}` };
    expect(
      (await rawRequest(bridge.url, { path: '/api/vms', headers: { ...headers, host: 'deck.lan' }, ca }))
        .status,
    ).toBe(200);
    expect((await rawRequest(bridge.url, { path: '/api/vms', headers, ca })).status).toBe(200);
    const rebound = await rawRequest(bridge.url, {
      path: '/api/vms',
      headers: { ...headers, host: 'evil.example' },
      ca,
    });
    expect(rebound.status).toBe(403);
  });

  it('serves WSS, refusing a client that does not trust the certificate', async () => {
    const ws = await TestWsClient.connect(bridge.url, { authorization: `Bearer ${user.token}` }, { ca });
    expect(ws.messages[0]).toMatchObject({ type: 'hello', user: { name: user.name, role: 'operator' } });
    ws.send({ type: 'ping', id: 1 });
    await ws.next((m) => m.type === 'pong');
    ws.close();
    await expect(TestWsClient.connect(bridge.url, { authorization: `Bearer ${user.token}` })).rejects.toThrow(
      /self[- ]signed/i,
    );
  });

  it.each([
    [
      'a missing certificate',
      () => ({ cert: join(dir, 'none.pem'), key: tls.key }),
      /cannot read the TLS certificate .*none\.pem: ENOENT/,
    ],
    [
      'a file that is not PEM',
      () => {
        writeFileSync(join(dir, 'garbage.pem'), 'not a certificate');
        return { cert: join(dir, 'garbage.pem'), key: tls.key };
      },
      /are not a usable PEM pair/,
    ],
    [
      "another certificate's key",
      () => ({ cert: tls.cert, key: makeCertificate(dir, 'other').key }),
      /are not a usable PEM pair: .*mismatch/i,
    ],
  ])('refuses to start with %s, saying which', async (_what, files, message) => {
    const start = startTestBridge(join(dir, 'refused'), { users: [userConfig(user)], tls: files() });
    await expect(start).rejects.toThrow(StartupError);
    await expect(start).rejects.toThrow(message);
  });
});
