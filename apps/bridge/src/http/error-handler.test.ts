/**
 * The router's own refusals (a malformed %-escape in the path, answered before any hook runs) carry the security
 * headers like every other answer: the fuzzer found them without.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBridge } from '../server.ts';
import { getJson, startTestBridge } from '../testing/bridge.ts';

describe("the router's refusals", () => {
  let dir: string;
  let bridge: RunningBridge;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bridge-router-errors-'));
    bridge = await startTestBridge(dir, {});
  });
  afterAll(async () => {
    await bridge?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(['/api/vms/%E0%A4%A', '/api/vms/%E0%A4%A/start', '/api/vms/%zz/events'])(
    '%s: 400 BadRequest with the security headers',
    async (path) => {
      const answer = await getJson(bridge, path);
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ error: { class: 'BadRequest' } });
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      expect(answer.headers.get('content-security-policy')).toMatch(
        /default-src 'self'.*frame-ancestors 'none'/,
      );
      expect(answer.headers.get('x-frame-options')).toBe('DENY');
      expect(answer.headers.get('cache-control')).toBe('no-store');
    },
  );
});
