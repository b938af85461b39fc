/**
 * A WebSocket upgrade of /api/ws with another method than GET gets the API's 405 with its error body (the fuzzer
 * found it answered with an empty 404), and its connection is closed: left open, node's server no longer tracks
 * it and the bridge's stop waited for it forever (this file's afterAll timed out). A plain GET of /api/ws gets the
 * error body too (it had @fastify/websocket's empty 404), and an upgrade the router refuses (a malformed %-escape)
 * has its socket closed as well.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
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

  it('a plain GET of /api/ws (no upgrade): 426 with the error body', async () => {
    const answer = await rawRequest(bridge.url, { method: 'GET', path: '/api/ws?=0', headers: {} });
    expect(answer.status).toBe(426);
    expect(answer.headers.upgrade).toBe('websocket');
    expect(answer.json()).toEqual({
      error: {
        class: 'BadRequest',
        desc: '/api/ws is a WebSocket: send the upgrade (Connection: Upgrade, Upgrade: websocket)',
      },
    });
  });

  it('an upgrade with a malformed %-escape in its path: 400, and the bridge closes the socket', async () => {
    const socket = connect(bridge.port, '127.0.0.1');
    const received: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.write(
      `GET /api/vms/%zz HTTP/1.1\r\nHost: 127.0.0.1\r\n${Object.entries(UPGRADE)
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join('')}\r\n`,
    );
    // The client keeps its side open: only the server's close ends this wait (it never came before the fix).
    await closed;
    expect(Buffer.concat(received).toString('utf8')).toMatch(/^HTTP\/1\.1 400 [\s\S]*"class":"BadRequest"/);
  });
});
