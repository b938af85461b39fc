/**
 * Repeated failures over real HTTP: wrong passwords for one name, bad tokens and bad session cookies from one
 * address are answered 429 `TooManyRequests` with `Retry-After` from the tenth attempt, without the credential
 * being looked at (the right password is refused too), until the 15-minute window frees (an injected clock moves
 * past it). `@fastify/rate-limit` caps sign-in requests per address at 20 a minute whatever their outcome.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBridge } from '../server.ts';
import { bearer, getJson, postJson, startTestBridge } from '../testing/bridge.ts';
import { roleUsers, userConfig } from '../testing/users.ts';
import { TestWsClient } from '../testing/ws-client.ts';

const MINUTE = 60_000;

describe('failed credentials, counted', () => {
  let dir: string;
  let bridge: RunningBridge;
  const clock = { now: Date.now() };
  const ana = roleUsers.operator;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bridge-limits-'));
    bridge = await startTestBridge(
      dir,
      { users: [userConfig(ana), userConfig(roleUsers.admin)] },
      { now: () => clock.now },
    );
  });

  afterAll(async () => {
    await bridge?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const signIn = (password: string, name = ana.name) => postJson(bridge, '/api/session', { name, password });

  it('answers 429 with Retry-After from the tenth sign-in attempt, even with the right password, until the window frees', async () => {
    for (let attempt = 1; attempt <= 9; attempt++) {
      const answer = await signIn(`wrong ${attempt}`);
      expect(answer.status, `attempt ${attempt}`).toBe(401);
      expect(answer.body).toEqual({ error: { class: 'Unauthorized', desc: 'wrong name or password' } });
    }
    const refused = await signIn(ana.password);
    expect(refused.status).toBe(429);
    expect(refused.body.error.class).toBe('TooManyRequests');
    expect(refused.body.error.desc).toMatch(/try again in \d+ s/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(14 * 60);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(15 * 60);
    // The address is refused for other names too; other addresses (not testable from here) would not be.
    expect((await signIn(roleUsers.admin.password, roleUsers.admin.name)).status).toBe(429);

    clock.now += 15 * MINUTE + 1000;
    const after = await signIn(ana.password);
    expect(after.status).toBe(200);
    // A success cleared the counts: a wrong password is a plain 401 again, not the tenth.
    expect((await signIn('wrong again')).status).toBe(401);
    clock.now += 15 * MINUTE + 1000;
  });

  it('counts bad tokens and bad session cookies by address, on HTTP and on the WebSocket upgrade', async () => {
    for (let attempt = 1; attempt <= 5; attempt++) {
      expect((await getJson(bridge, '/api/vms', bearer(`not-a-token-${attempt}`))).status).toBe(401);
    }
    for (let attempt = 1; attempt <= 3; attempt++) {
      expect(
        (await getJson(bridge, '/api/vms', { cookie: `qmpdeck_session=forged-${attempt}` })).status,
      ).toBe(401);
    }
    expect((await TestWsClient.refusal(bridge.url, bearer('not-a-token-ws'))).status).toBe(401);
    // Nine failures from this address: the next answer is 429, whatever it carries.
    const good = await getJson(bridge, '/api/vms', bearer(ana.token));
    expect(good.status).toBe(429);
    expect(good.headers.get('retry-after')).toMatch(/^\d+$/);
    const upgrade = await TestWsClient.refusal(bridge.url, bearer(ana.token));
    expect(upgrade.status).toBe(429);
    expect(JSON.parse(upgrade.body)).toMatchObject({ error: { class: 'TooManyRequests' } });
    clock.now += 15 * MINUTE + 1000;
    expect((await getJson(bridge, '/api/vms', bearer(ana.token))).status).toBe(200);
  });

  it('audited every failed sign-in with the name tried, and the refusals as TooManyRequests', () => {
    const failed = bridge.audit.page({ limit: 1000 }).filter((e) => e.kind === 'sign-in-failed');
    expect(failed.filter((e) => e.outcome === 'Unauthorized' && e.user === ana.name)).toHaveLength(10);
    expect(failed.filter((e) => e.outcome === 'TooManyRequests')).toHaveLength(2);
  });

  it('caps sign-in requests per address at 20 a minute whatever their outcome (@fastify/rate-limit)', async () => {
    // A bridge of its own: the plugin's window runs on real time, and the counts above must not be in it.
    const capped = await startTestBridge(join(dir, 'capped'), { users: [userConfig(ana)] });
    const signIn = (password: string) => postJson(capped, '/api/session', { name: ana.name, password });
    try {
      for (let attempt = 1; attempt <= 20; attempt++) {
        expect((await signIn(ana.password)).status, `sign-in ${attempt}`).toBe(200);
      }
      const refused = await signIn(ana.password);
      expect(refused.status).toBe(429);
      expect(refused.body.error.class).toBe('TooManyRequests');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      // Other routes are not capped by it.
      expect((await getJson(capped, '/api/vms', bearer(ana.token))).status).toBe(200);
    } finally {
      await capped.stop();
    }
  });
});
