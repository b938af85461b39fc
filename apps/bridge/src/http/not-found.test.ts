/**
 * A WebSocket upgrade of /api/ws with another method than GET gets the API's 405 with its error body (the fuzzer
 * found it answered with an empty 404), and its connection is closed: left open, node's server no longer tracks
 * it and the bridge's stop waited for it forever (this file's afterAll timed out).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBridge } from '../server.ts';
import { getJson, startTestBridge } from '../testing/bridge.ts';
import { rawRequest } from '../testing/raw-http.ts';

const UPGRADE = {
  connection: 'Upgrade',
  upgrade: 'websocket',
  'sec-websocket-version': '13',
  'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
};

describe('upgrades no route answers', () => {
  let dir: string;
  let bridge: RunningBridge;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bridge-not-found-'));
    bridge = await startTestBridge(dir, {});
  });
  afterAll(async () => {
    await bridge?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(['OPTIONS', 'POST', 'DELETE'])(
    '%s /api/ws with an upgrade: 405 MethodNotAllowed',
    async (method) => {
      const answer = await rawRequest(bridge.url, { method, path: '/api/ws', headers: UPGRADE });
      expect(answer.status).toBe(405);
      expect(answer.headers.connection).toBe('close');
      expect(answer.json()).toEqual({
        error: { class: 'MethodNotAllowed', desc: `${method} is not allowed on /api/ws` },
      });
      expect((await getJson(bridge, '/api/health')).status).toBe(200);
    },
  );
});
