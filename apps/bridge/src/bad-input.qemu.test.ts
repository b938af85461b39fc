/**
 * Bad input, table-driven, over HTTP and the WebSocket: each gets a clear
 * `{ class, desc }`, and afterwards the bridge (and the same WebSocket) keeps serving.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { MAX_COMMANDS_IN_FLIGHT, MAX_COMMANDS_QUEUED } from './hub/limits.ts';
import type { RunningBridge } from './server.ts';
import { startTestBridge } from './testing/bridge.ts';
import { startQemu, type TestQemu } from './testing/qemu.ts';
import { waitFor } from './testing/wait-for.ts';
import { TestWsClient } from './testing/ws-client.ts';

const MiB = 1024 * 1024;
/** Arguments nested 200,000 levels deep (400 KB, under the size limits): refused by depth, not a stack overflow. */
const DEEP_ARGUMENTS = `{"x":${'['.repeat(200_000)}${']'.repeat(200_000)}}`;

interface HttpCase {
  name: string;
  method: string;
  path: string;
  body?: string;
  status: number;
  class: string;
}

const HTTP_CASES: HttpCase[] = [
  {
    name: 'malformed JSON',
    method: 'POST',
    path: '/api/vms/alpha/execute',
    body: '{"execute":',
    status: 400,
    class: 'InvalidJson',
  },
  {
    name: 'a JSON array',
    method: 'POST',
    path: '/api/vms/alpha/execute',
    body: '[]',
    status: 400,
    class: 'BadRequest',
  },
  {
    name: 'execute of the wrong type',
    method: 'POST',
    path: '/api/vms/alpha/execute',
    body: '{"execute":5}',
    status: 400,
    class: 'BadRequest',
  },
  {
    name: 'arguments not an object',
    method: 'POST',
    path: '/api/vms/alpha/execute',
    body: '{"execute":"query-status","arguments":"x"}',
    status: 400,
    class: 'BadRequest',
  },
  {
    name: 'an unknown field',
    method: 'POST',
    path: '/api/vms/alpha/execute',
    body: '{"execute":"query-status","extra":1}',
    status: 400,
    class: 'BadRequest',
  },
  {
    name: 'a body over 1 MiB',
    method: 'POST',
    path: '/api/vms/alpha/execute',
    body: JSON.stringify({ execute: 'x', arguments: { pad: 'p'.repeat(MiB) } }),
    status: 413,
    class: 'PayloadTooLarge',
  },
  {
    name: 'an unknown VM',
    method: 'POST',
    path: '/api/vms/nope/execute',
    body: '{"execute":"stop"}',
    status: 404,
    class: 'VmNotFound',
  },
  {
    name: 'an unknown command',
    method: 'POST',
    path: '/api/vms/alpha/execute',
    body: '{"execute":"launch-missiles"}',
    status: 400,
    class: 'CommandNotFound',
  },
  {
    name: 'a wrong argument type',
    method: 'POST',
    path: '/api/vms/alpha/execute',
    body: '{"execute":"eject","arguments":{"device":5}}',
    status: 400,
    class: 'GenericError',
  },
  {
    name: 'arguments nested 200,000 levels deep',
    method: 'POST',
    path: '/api/vms/alpha/execute',
    body: `{"execute":"query-status","arguments":${DEEP_ARGUMENTS}}`,
    status: 400,
    class: 'BadRequest',
  },
  {
    name: 'a non-numeric limit',
    method: 'GET',
    path: '/api/vms/alpha/events?limit=abc',
    status: 400,
    class: 'BadRequest',
  },
  { name: 'an unknown route', method: 'GET', path: '/api/launch-missiles', status: 404, class: 'NotFound' },
  { name: 'a wrong method', method: 'DELETE', path: '/api/vms', status: 405, class: 'MethodNotAllowed' },
  {
    name: 'a malformed escape in the id',
    method: 'GET',
    path: '/api/vms/%E0%A4%A',
    status: 400,
    class: 'BadRequest',
  },
  {
    name: 'start of an unmanaged VM',
    method: 'POST',
    path: '/api/vms/alpha/start',
    status: 409,
    class: 'NotManaged',
  },
  {
    name: 'a sign-in that is not JSON',
    method: 'POST',
    path: '/api/session',
    body: '{"name":',
    status: 400,
    class: 'InvalidJson',
  },
  {
    name: 'a sign-in without a password',
    method: 'POST',
    path: '/api/session',
    body: '{"name":"ana"}',
    status: 400,
    class: 'BadRequest',
  },
  {
    name: 'a sign-in password over 1024 characters',
    method: 'POST',
    path: '/api/session',
    body: JSON.stringify({ name: 'ana', password: 'p'.repeat(1025) }),
    status: 400,
    class: 'BadRequest',
  },
  {
    name: 'a sign-in on a bridge without users',
    method: 'POST',
    path: '/api/session',
    body: '{"name":"ana","password":"pw"}',
    status: 400,
    class: 'BadRequest',
  },
  {
    name: 'an audit page before a non-number',
    method: 'GET',
    path: '/api/audit?before=x',
    status: 400,
    class: 'BadRequest',
  },
  {
    name: 'an audit page of limit 0',
    method: 'GET',
    path: '/api/audit?limit=0',
    status: 400,
    class: 'BadRequest',
  },
  {
    name: 'a wrong method on the session',
    method: 'PUT',
    path: '/api/session',
    status: 405,
    class: 'MethodNotAllowed',
  },
];

interface WsCase {
  name: string;
  frame: string | Buffer;
  binary?: boolean;
  reply: 'error' | 'result';
  class: string;
  id?: string | number;
}

const WS_CASES: WsCase[] = [
  { name: 'malformed JSON', frame: '{"type":', reply: 'error', class: 'InvalidJson' },
  { name: 'JSON null', frame: 'null', reply: 'error', class: 'BadRequest' },
  { name: 'a JSON array', frame: '[1,2,3]', reply: 'error', class: 'BadRequest' },
  { name: 'a JSON number', frame: '5', reply: 'error', class: 'BadRequest' },
  { name: 'an unknown type', frame: '{"type":"launch-missiles"}', reply: 'error', class: 'UnknownMessage' },
  { name: 'subscribe without vm', frame: '{"type":"subscribe"}', reply: 'error', class: 'BadRequest' },
  {
    name: 'a negative after',
    frame: '{"type":"subscribe","vm":"alpha","after":-1}',
    reply: 'error',
    class: 'BadRequest',
  },
  { name: 'an unknown field', frame: '{"type":"ping","x":1}', reply: 'error', class: 'BadRequest' },
  {
    name: 'execute without a command (answered as its result)',
    frame: '{"type":"execute","id":"e1","vm":"alpha"}',
    reply: 'result',
    class: 'BadRequest',
    id: 'e1',
  },
  {
    name: 'execute with arguments not an object',
    frame: '{"type":"execute","id":"e5","vm":"alpha","execute":"query-status","arguments":"str"}',
    reply: 'result',
    class: 'BadRequest',
    id: 'e5',
  },
  {
    name: 'execute with a wrong type and a numeric id (kept numeric)',
    frame: '{"type":"execute","id":6,"vm":"alpha","execute":5}',
    reply: 'result',
    class: 'BadRequest',
    id: 6,
  },
  {
    name: 'execute whose id is not a string or number',
    frame: '{"type":"execute","id":{"n":1},"vm":"alpha","execute":"stop"}',
    reply: 'error',
    class: 'BadRequest',
  },
  {
    name: 'ping with an unknown field (id echoed)',
    frame: '{"type":"ping","id":"p1","x":1}',
    reply: 'error',
    class: 'BadRequest',
    id: 'p1',
  },
  {
    name: 'subscribe to an unknown VM',
    frame: '{"type":"subscribe","vm":"nope"}',
    reply: 'error',
    class: 'VmNotFound',
  },
  {
    name: 'execute on an unknown VM',
    frame: '{"type":"execute","id":"e2","vm":"nope","execute":"stop"}',
    reply: 'result',
    class: 'VmNotFound',
    id: 'e2',
  },
  {
    name: 'an unknown command',
    frame: '{"type":"execute","id":"e3","vm":"alpha","execute":"launch-missiles"}',
    reply: 'result',
    class: 'CommandNotFound',
    id: 'e3',
  },
  {
    name: 'a wrong argument type',
    frame: '{"type":"execute","id":"e4","vm":"alpha","execute":"query-status","arguments":{"x":1}}',
    reply: 'result',
    class: 'GenericError',
    id: 'e4',
  },
  {
    name: 'arguments nested 200,000 levels deep',
    frame: `{"type":"execute","id":"deep","vm":"alpha","execute":"query-status","arguments":${DEEP_ARGUMENTS}}`,
    reply: 'result',
    class: 'BadRequest',
    id: 'deep',
  },
  {
    name: 'a frame over 1 MiB',
    frame: JSON.stringify({ type: 'ping', pad: 'p'.repeat(MiB) }),
    reply: 'error',
    class: 'FrameTooLarge',
  },
  {
    name: 'a binary frame',
    frame: Buffer.from([1, 2, 3]),
    binary: true,
    reply: 'error',
    class: 'BadRequest',
  },
];

describe('bad input', () => {
  let dir: string;
  let qemu: TestQemu;
  let bridge: RunningBridge;
  let ws: TestWsClient;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bridge-bad-input-'));
    qemu = await startQemu(dir, 'alpha', ['-drive', 'if=ide,media=cdrom,id=cd0']);
    bridge = await startTestBridge(dir, { vms: [{ id: 'alpha', qmp: { socket: qemu.socket as string } }] });
    await waitFor(() => bridge.registry.get('alpha')?.status, 'alpha connected');
    ws = await TestWsClient.connect(bridge.url);
  });

  afterAll(async () => {
    ws?.close();
    await bridge?.stop();
    await qemu?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(HTTP_CASES)('HTTP: $name -> $status $class', async (c) => {
    const init: RequestInit = { method: c.method };
    if (c.body !== undefined) init.body = c.body;
    const res = await fetch(bridge.url + c.path, init);
    expect(res.status).toBe(c.status);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const body = (await res.json()) as { error: { class: string; desc: string } };
    expect(body.error.class).toBe(c.class);
    expect(body.error.desc.length).toBeGreaterThan(5);
    expect((await fetch(`${bridge.url}/api/health`)).status).toBe(200);
  });

  it.each(WS_CASES)('WebSocket: $name -> $reply $class', async (c) => {
    ws.ws.send(c.frame, { binary: c.binary === true });
    const reply = await ws.next(
      (m) => m.type === c.reply && (c.id === undefined || ('id' in m && m.id === c.id)),
      `${c.reply} for ${c.name}`,
    );
    expect(reply).toMatchObject({ error: { class: c.class, desc: expect.any(String) } });
    expect((reply as { error: { desc: string } }).error.desc).not.toMatch(
      /unknown message type null|call stack/,
    );
    if (c.id !== undefined) expect(reply).toMatchObject({ id: c.id });
    else expect(reply).not.toHaveProperty('id');
    // The same connection keeps serving.
    const id = `after ${c.name}`;
    ws.send({ type: 'ping', id });
    await ws.next((m) => m.type === 'pong' && m.id === id);
  });

  it('answers every command of a pipelined burst, running them in turn past the in-flight limit', async () => {
    const burst = await TestWsClient.connect(bridge.url);
    const ids = Array.from({ length: 200 }, (_, i) => i);
    for (const id of ids) burst.send({ type: 'execute', id, vm: 'alpha', execute: 'query-status' });
    const results = await waitFor(() => {
      const answered = burst.messages.filter((m) => m.type === 'result');
      return answered.length === ids.length ? answered : undefined;
    }, 'an answer to every command');
    expect(results.filter((m) => !('return' in m))).toEqual([]);
    expect(
      results.map((m) => (m.type === 'result' ? m.id : null)).sort((a, b) => Number(a) - Number(b)),
    ).toEqual(ids);
    burst.close();
  });

  it('refuses commands past a full queue with TooManyCommands, answers every one, and keeps serving', async () => {
    const flood = await TestWsClient.connect(bridge.url);
    const total = MAX_COMMANDS_IN_FLIGHT + MAX_COMMANDS_QUEUED + 3;
    // A stopped QEMU answers nothing, so exactly the in-flight limit runs and the queue fills.
    process.kill(qemu.pid, 'SIGSTOP');
    try {
      for (let id = 0; id < total; id++) {
        flood.send({ type: 'execute', id, vm: 'alpha', execute: 'query-status', timeoutMs: 120_000 });
      }
      const refused = await waitFor(() => {
        const tooMany = flood.messages.filter((m) => m.type === 'result' && 'error' in m);
        return tooMany.length === 3 ? tooMany : undefined;
      }, 'three refusals');
      expect(refused).toEqual(
        [total - 3, total - 2, total - 1].map((id) => ({
          type: 'result',
          id,
          error: { class: 'TooManyCommands', desc: expect.any(String) },
        })),
      );
    } finally {
      process.kill(qemu.pid, 'SIGCONT');
    }
    await waitFor(
      () => flood.messages.filter((m) => m.type === 'result' && 'return' in m).length === total - 3,
      'every queued command answered',
      30_000,
    );
    expect(
      (await flood.request({ type: 'execute', id: 'after', vm: 'alpha', execute: 'query-status' })).type,
    ).toBe('result');
    flood.close();
  });

  it('closes a connection that sends a frame over the hard limit, and keeps serving others', async () => {
    const victim = await TestWsClient.connect(bridge.url);
    victim.ws.send('x'.repeat(17 * MiB));
    await waitFor(() => victim.closed, 'the oversized sender closed');
    expect(victim.closeCode).toBe(1009);
    ws.send({ type: 'ping', id: 'still here' });
    await ws.next((m) => m.type === 'pong' && m.id === 'still here');
  });

  it.each([
    ["a POST from another site's page", { origin: 'https://evil.example' }],
    ['a request to a rebound DNS name', { host: 'evil.example:8080', origin: 'http://evil.example:8080' }],
  ])('HTTP: refuses %s with 403 Forbidden', async (_name, headers) => {
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        `${bridge.url}/api/vms/alpha/execute`,
        { method: 'POST', headers: { 'content-type': 'text/plain', ...headers } },
        (res) => {
          let body = '';
          res.on('data', (chunk) => {
            body += chunk;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end('{"execute":"quit"}');
    });
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { class: 'Forbidden' } });
    expect(bridge.registry.get('alpha')?.connection).toBe('connected');
  });

  it('refuses a WebSocket from a foreign browser origin or a rebound DNS name, or on another path', async () => {
    await expect(TestWsClient.connect(bridge.url, { host: 'evil.example:8080' })).rejects.toThrow(/403/);
    await expect(TestWsClient.connect(bridge.url, { origin: 'https://evil.example' })).rejects.toThrow(/403/);
    for (const path of ['/api/vms', '/api/nope', '/']) {
      const elsewhere = new WebSocket(`${bridge.url.replace(/^http/, 'ws')}${path}`);
      await expect(
        new Promise((resolve, reject) => elsewhere.once('open', resolve).once('error', reject)),
      ).rejects.toThrow(/404/);
    }
    expect(ws.invalid).toEqual([]);
  });
});
