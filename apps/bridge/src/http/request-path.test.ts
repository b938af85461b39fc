/**
 * Request targets the URL parser refuses against a base are answered like any unknown path, never with a 500
 * (the fuzzer found `GET //` with an upgrade and `POST //` answered 500 Internal "Invalid URL").
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBridge } from '../server.ts';
import { startTestBridge } from '../testing/bridge.ts';
import { sendFuzzRequest } from '../testing/fuzz-http.ts';
import { pathOf } from './request-path.ts';

const UPGRADE = {
  connection: 'Upgrade',
  upgrade: 'websocket',
  'sec-websocket-version': '13',
  'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
};

describe('pathOf', () => {
  it.each([
    ['/api/vms?x=1', '/api/vms'],
    ['/api/vms/../health', '/api/health'],
    ['//', '//'],
    ['///', '///'],
    ['//a:b/c', '//a:b/c'],
    ['//%?q', '//%'],
  ])('%s -> %s', (url, path) => {
    expect(pathOf(url)).toBe(path);
  });
});

describe('request targets the URL parser refuses', () => {
  let dir: string;
  let bridge: RunningBridge;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bridge-request-path-'));
    bridge = await startTestBridge(dir, {});
  });
  afterAll(async () => {
    await bridge?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['GET', '//', UPGRADE, 404, 'NotFound'],
    ['GET', '//?=', UPGRADE, 404, 'NotFound'],
    ['POST', '//', {}, 405, 'MethodNotAllowed'],
    ['DELETE', '///', {}, 405, 'MethodNotAllowed'],
  ])('%s %s', async (method, path, headers, status, errorClass) => {
    // Sent as written (a client's URL resolution would refuse these targets too).
    const wire = { method, path, headers, body: null, chunked: false, localAddress: '127.0.0.1' };
    const answer = await sendFuzzRequest(bridge.url, wire, 10_000);
    expect(answer.status).toBe(status);
    expect(JSON.parse(answer.body.toString('utf8'))).toMatchObject({ error: { class: errorClass } });
  });
});
