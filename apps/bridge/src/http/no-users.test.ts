/**
 * A bridge without users is what it always was: no credential asked for, everyone may do everything (it serves
 * loopback only), `GET /api/session` says so, `hello.user` is null, sign-in is refused as pointless and sign-out
 * is harmless; the Host check against DNS rebinding stays.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBridge } from '../server.ts';
import { getJson, postJson, requestJson, startTestBridge } from '../testing/bridge.ts';
import { rawRequest } from '../testing/raw-http.ts';
import { TestWsClient } from '../testing/ws-client.ts';

describe('a bridge without users', () => {
  let dir: string;
  let bridge: RunningBridge;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bridge-no-users-'));
    bridge = await startTestBridge(dir, {});
  });

  afterAll(async () => {
    await bridge?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('needs no credential and says so in GET /api/session and hello', async () => {
    expect((await getJson(bridge, '/api/vms')).status).toBe(200);
    expect((await getJson(bridge, '/api/session')).body).toEqual({
      auth: false,
      user: null,
      policy: { allow: ['*'], deny: [] },
      vms: null,
      via: 'none',
    });
    expect((await getJson(bridge, '/api/audit')).status).toBe(200);
    const ws = await TestWsClient.connect(bridge.url);
    expect(ws.messages[0]).toMatchObject({ type: 'hello', user: null });
    ws.close();
  });

  it('refuses a sign-in as pointless and answers a sign-out with 204', async () => {
    const signIn = await postJson(bridge, '/api/session', { name: 'ana', password: 'x' });
    expect(signIn.status).toBe(400);
    expect(signIn.body.error).toEqual({
      class: 'BadRequest',
      desc: 'this bridge has no users, so there is nothing to sign in to; it serves loopback only',
    });
    expect((await requestJson(bridge, 'DELETE', '/api/session', undefined)).status).toBe(204);
  });

  it('keeps the Host check against DNS rebinding', async () => {
    const rebound = await rawRequest(bridge.url, { path: '/api/vms', headers: { host: 'evil.example' } });
    expect(rebound.status).toBe(403);
    expect(rebound.json().error.class).toBe('Forbidden');
  });
});
