/**
 * Requests node's HTTP parser cannot read are answered with the API's error body, then closed (the fuzzer found
 * them dropped without an answer): an unknown method, a header line that is not one (a HEAD's answer without the
 * body). Bytes after a request that said `Connection: close` are no request: that request is answered, once.
 * The bridge keeps serving, and the answer never repeats what was sent.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBridge } from '../server.ts';
import { getJson, startTestBridge } from '../testing/bridge.ts';

/** Writes raw bytes, reads until the bridge closes the connection. */
function rawExchange(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes));
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      answer += chunk;
    });
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

describe('malformed HTTP requests', () => {
  let dir: string;
  let bridge: RunningBridge;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bridge-malformed-'));
    bridge = await startTestBridge(dir, {});
  });
  afterAll(async () => {
    await bridge?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['an unknown method', 'X-FUZZ /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'],
    [
      'a header line without a colon',
      'GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nsecret-token-in-a-broken-line\r\n\r\n',
    ],
    ['not HTTP at all', 'hello\r\n\r\n'],
  ])('answers %s with 400 BadRequest and closes', async (_name, bytes) => {
    const answer = await rawExchange(bridge.port, bytes);
    const [head = '', body = ''] = answer.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(head).toMatch(/\r\nx-content-type-options: nosniff\r\n/);
    expect(head).toMatch(/\r\ncontent-security-policy: [^\r]*frame-ancestors 'none'/);
    expect(JSON.parse(body)).toEqual({
      error: { class: 'BadRequest', desc: expect.stringMatching(/^malformed HTTP request: .+/) },
    });
    expect(answer).not.toContain('secret-token');
    expect((await getJson(bridge, '/api/health')).status).toBe(200);
  });

  it('answers the request before bytes that follow its Connection: close, then closes (nothing lands after)', async () => {
    const answer = await rawExchange(
      bridge.port,
      'GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n1e400',
    );
    const [head = '', body = ''] = answer.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(head).toMatch(/\r\nX-Content-Type-Options: nosniff\r\n/i);
    expect(JSON.parse(body)).toHaveProperty('status');
    expect(answer.match(/HTTP\/1\.1 /g)).toHaveLength(1);
    expect((await getJson(bridge, '/api/health')).status).toBe(200);
  });

  it('answers a HEAD it cannot read without a body (a raw 0xFF in the path)', async () => {
    const answer = await rawExchange(
      bridge.port,
      'HEAD /api/vms/\u00ff/x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n',
    );
    const [head = '', ...rest] = answer.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(head).toMatch(/\r\ncontent-length: \d+\r\n/);
    expect(rest.join('\r\n\r\n')).toBe('');
    expect((await getJson(bridge, '/api/health')).status).toBe(200);
  });
});
