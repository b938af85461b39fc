/**
 * HTTP requests for the fuzzer: every route of docs/api.md with its documented method most of the time, paths
 * with odd segments and encodings, query strings, the headers that decide who asks and from where
 * (`Authorization`, `Cookie`, `Origin`, `Host`, `Content-Type`, the proxy's `Remote-User`, an upgrade), and bodies
 * made from valid requests, mutated, or random. Credentials are symbolic until sent (a session is made when a
 * request needs one). `sendFuzzRequest` sends one over its own connection from a chosen loopback address, with a
 * deadline, and reads the whole answer.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import type { Role } from '@qmpdeck/protocol';
import fc from 'fast-check';
import { DeadlineMissed } from '../../../../testing/fuzz/deadline.ts';
import { anyJson, encoded, longString, mutated, oddValue } from '../../../../testing/fuzz/json-inputs.ts';
import { FUZZ_USERS, FUZZ_VM, type FuzzUserKey, STREAM_VM } from './fuzz-bridge.ts';
import { commandName, higher, unsafeToSend } from './fuzz-commands.ts';

export type Credential =
  | { kind: 'none' }
  | { kind: 'token'; user: FuzzUserKey }
  | { kind: 'session'; user: FuzzUserKey }
  | { kind: 'authorization'; value: string }
  | { kind: 'cookie'; value: string };

export interface FuzzRequest {
  method: string;
  path: string;
  credential: Credential;
  /** `Remote-User`, and whether the request comes from the trusted proxy's address. */
  proxyUser: string | null;
  fromProxy: boolean;
  headers: Record<string, string>;
  body: Buffer | null;
  /** Send without Content-Length (chunked). */
  chunked: boolean;
  /**
   * Where a request with a failing credential comes from: mostly one address (soon refused with 429), sometimes
   * a fresh one (so the credential itself is looked at, not just the address's count).
   */
  failingAddress: string;
}

type BodyKind = 'execute' | 'guest-execute' | 'sign-in' | 'origin' | 'none';

interface Route {
  method: string;
  path: string;
  body: BodyKind;
  query: readonly string[];
}

const route = (
  method: string,
  path: string,
  body: BodyKind = 'none',
  query: readonly string[] = [],
): Route => ({
  method,
  path,
  body,
  query,
});

/** docs/api.md's routes, the WebSocket's, and the web app's. */
export const ROUTES: readonly Route[] = [
  route('GET', '/api/health'),
  route('POST', '/api/session', 'sign-in'),
  route('GET', '/api/session'),
  route('DELETE', '/api/session'),
  route('GET', '/api/audit', 'none', ['vm', 'user', 'before', 'limit']),
  route('GET', '/api/vms'),
  route('GET', '/api/vms/:id'),
  route('POST', '/api/vms/:id/execute', 'execute'),
  route('POST', '/api/vms/:id/start', 'origin'),
  route('POST', '/api/vms/:id/kill', 'origin'),
  route('GET', '/api/vms/:id/events', 'none', ['after', 'before', 'limit']),
  route('GET', '/api/vms/:id/inflight'),
  route('POST', '/api/vms/:id/guest/execute', 'guest-execute'),
  route('GET', '/api/vms/:id/schema'),
  // Consoles, hardware and usage (issues 14 and 15). Device names are fixed: neither test VM has any, so unplugs
  // are refused; a NIC hot-plug (POST .../nics) is left out, as it would change the VMs for every later request.
  route('GET', '/api/vms/:id/vnc'),
  route('GET', '/api/vms/:id/serial/serial0'),
  route('GET', '/api/vms/:id/serial/serial0/log'),
  route('GET', '/api/vms/:id/screenshot'),
  route('GET', '/api/vms/:id/metrics', 'none', ['range', 'series']),
  route('GET', '/api/vms/:id/hardware'),
  route('DELETE', '/api/vms/:id/nics/net0', 'none', ['wait']),
  route('DELETE', '/api/vms/:id/disks/drive0', 'none', ['wait']),
  route('GET', '/metrics'),
  route('GET', '/api/ws'),
  route('GET', '/'),
  route('GET', '/sign-in'),
  route('GET', '/assets/index.js'),
  route('GET', '/favicon.svg'),
];

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'PROPFIND', 'SEARCH', 'X-FUZZ'];

/** A VM id segment: the two VMs, one that does not exist, and what an id should never be. */
function idSegment(): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: fc.constantFrom(FUZZ_VM, STREAM_VM, 'nope'), weight: 6 },
    {
      arbitrary: fc.constantFrom(
        '',
        '.',
        '..',
        '%',
        '%zz',
        '%E0%A4%A',
        '%2F',
        '%2e%2e',
        '%00',
        'fuzz%00',
        'FUZZ',
        '%66uzz',
        'fuzz;x=1',
        '%F0%9F%98%80',
        '\u00ff',
        '*',
        'a'.repeat(129),
        'a'.repeat(5000),
      ),
      weight: 2,
    },
    { arbitrary: fc.string({ unit: 'binary', maxLength: 16 }).map(encodeURIComponent), weight: 1 },
  );
}

type PathMutation =
  | 'none'
  | 'double-slash'
  | 'trailing-slash'
  | 'upper'
  | 'encoded-letter'
  | 'dot-segment'
  | 'extra-segment'
  | 'leading-slashes';

function mutatePath(path: string, how: PathMutation, extra: string): string {
  switch (how) {
    case 'none':
      return path;
    case 'double-slash':
      return path.replace('/', '//').replace(/\/vms\//, '/vms//');
    case 'trailing-slash':
      return `${path}/`;
    case 'upper':
      return path.toUpperCase();
    case 'encoded-letter':
      return path.replace('api', '%61pi');
    case 'dot-segment':
      return path.replace('/api/', '/api/vms/../');
    case 'extra-segment':
      return `${path}/${extra}`;
    case 'leading-slashes':
      return `//${path}`;
  }
}

function queryValue(): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom(
      '0',
      '1',
      '-1',
      '1.5',
      '1e3',
      '99999999999999999999',
      'NaN',
      'Infinity',
      '',
      'abc',
      '%zz',
      '%00',
      FUZZ_VM,
      'ada',
      '+1',
      '0x10',
      '%201',
    ),
    fc.integer().map(String),
    fc.string({ unit: 'binary', maxLength: 12 }).map(encodeURIComponent),
  );
}

function queryString(keys: readonly string[]): fc.Arbitrary<string> {
  const key =
    keys.length > 0
      ? fc.oneof(fc.constantFrom(...keys), fc.string({ maxLength: 6 }).map(encodeURIComponent))
      : fc.string({ maxLength: 6 }).map(encodeURIComponent);
  return fc.oneof(
    { arbitrary: fc.constant(''), weight: 2 },
    {
      arbitrary: fc
        .array(fc.tuple(key, queryValue(), fc.boolean()), { minLength: 1, maxLength: 5 })
        .map((pairs) => `?${pairs.map(([k, v, bare]) => (bare && v === '' ? k : `${k}=${v}`)).join('&')}`),
      weight: 3,
    },
  );
}

function credential(): fc.Arbitrary<Credential> {
  const user = fc.constantFrom<FuzzUserKey>('viewer', 'operator', 'admin', 'scoped');
  const token = fc.constantFrom(...Object.values(FUZZ_USERS).map((u) => u.token));
  return fc.oneof(
    { arbitrary: fc.record({ kind: fc.constant('token' as const), user }), weight: 8 },
    { arbitrary: fc.record({ kind: fc.constant('session' as const), user }), weight: 2 },
    { arbitrary: fc.constant({ kind: 'none' as const }), weight: 2 },
    {
      arbitrary: fc
        .oneof(
          token.map((t) => `Bearer ${t.slice(0, -1)}`),
          token.map((t) => `Bearer ${t}x`),
          token.map((t) => `Basic ${t}`),
          token.map((t) => `Bearer  ${t} extra`),
          fc.constantFrom('Bearer', 'Bearer ', '', 'bearer', 'Bearer \u00ff', `Bearer ${'x'.repeat(5000)}`),
          latin1Text(40).map((t) => `Bearer ${t}`),
        )
        .map((value) => ({ kind: 'authorization' as const, value })),
      weight: 2,
    },
    {
      arbitrary: fc
        .oneof(
          fc.constantFrom(
            'qmpdeck_session=',
            'qmpdeck_session=x',
            'qmpdeck_session=%zz',
            'qmpdeck_session="a"',
            '=;;=',
            'a=b; qmpdeck_session=' + 'x'.repeat(4000),
          ),
          latin1Text(40).map((t) => `qmpdeck_session=${t}`),
          latin1Text(40),
        )
        .map((value) => ({ kind: 'cookie' as const, value })),
      weight: 1,
    },
  );
}

/** Header-safe text: what an HTTP client can put in a header value (no CR, LF or other controls but tab). */
export function latin1Text(maxLength: number): fc.Arbitrary<string> {
  return fc.string({
    unit: fc
      .oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0x80, max: 0xff }), fc.constant(9))
      .map((c) => String.fromCharCode(c)),
    maxLength,
  });
}

function headerName(): fc.Arbitrary<string> {
  return fc
    .stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,24}$/)
    .filter(
      (name) =>
        ![
          'content-length',
          'transfer-encoding',
          'connection',
          'expect',
          'upgrade',
          'host',
          'te',
          'trailer',
          'authorization',
          'cookie',
          'remote-user',
          'keep-alive',
        ].includes(name.toLowerCase()),
    );
}

function headers(port: number): fc.Arbitrary<Record<string, string>> {
  const own = `http://127.0.0.1:${port}`;
  return fc
    .record(
      {
        origin: fc.constantFrom(
          own,
          `http://localhost:${port}`,
          'https://evil.example',
          'null',
          'http://127.0.0.1',
          'file://',
          '%',
        ),
        host: fc.constantFrom(
          'evil.example',
          `127.0.0.1:${port}`,
          'localhost',
          '[::1]',
          '',
          'a'.repeat(300),
          '127.0.0.1:99999',
        ),
        'content-type': fc.constantFrom(
          'application/json',
          'application/json; charset=utf-8',
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'application/octet-stream',
          '',
          '*/*',
          'application/json; charset=latin1',
        ),
        'x-forwarded-for': fc.constantFrom('10.0.0.1', '127.0.0.9', 'garbage'),
        upgrade: fc.constant('websocket'),
      },
      { requiredKeys: [] },
    )
    .chain((known) =>
      fc.dictionary(headerName(), latin1Text(60), { maxKeys: 3 }).map((extra) => {
        const all: Record<string, string> = { ...extra, ...known };
        // An upgrade needs its companions, or it is just a header.
        if (all.upgrade !== undefined)
          Object.assign(all, {
            connection: 'Upgrade',
            'sec-websocket-version': '13',
            'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
          });
        return all;
      }),
    );
}

function executeBody(guest: boolean): fc.Arbitrary<unknown> {
  return fc.record(
    {
      execute: guest
        ? fc.oneof(fc.constantFrom('guest-ping', 'guest-info', 'guest-exec', 'guest-get-time'), commandName())
        : commandName(),
      arguments: fc.oneof(
        fc.constant({}),
        fc.dictionary(fc.string({ maxLength: 8 }), anyJson(2), { maxKeys: 3 }),
      ),
      timeoutMs: fc.oneof(fc.integer({ min: 1, max: 5000 }), fc.constantFrom(0, -1, 3_600_001, 1.5)),
      origin: fc.oneof(fc.string({ maxLength: 20 }), longString()),
    },
    { requiredKeys: ['execute'] },
  );
}

function signInBody(): fc.Arbitrary<unknown> {
  const users = Object.values(FUZZ_USERS);
  return fc.oneof(
    fc.constantFrom(...users).map((u) => ({ name: u.name, password: u.password })),
    fc.record({
      name: fc.oneof(fc.constantFrom(...users.map((u) => u.name)), fc.string({ maxLength: 12 })),
      password: fc.oneof(fc.string({ maxLength: 20 }), fc.constant('p'.repeat(1025))),
    }),
  );
}

function bodyOf(kind: BodyKind): fc.Arbitrary<unknown> {
  switch (kind) {
    case 'execute':
      return executeBody(false);
    case 'guest-execute':
      return executeBody(true);
    case 'sign-in':
      return signInBody();
    case 'origin':
      return fc.record({ origin: fc.oneof(fc.string(), oddValue()) }, { requiredKeys: [] });
    case 'none':
      return fc.constant(undefined);
  }
}

/** A body: none, the route's valid body as it is or mutated, random JSON, or just over the 1 MiB limit. */
function body(kind: BodyKind): fc.Arbitrary<Buffer | null> {
  const valid = bodyOf(kind);
  const none = kind === 'none';
  return fc.oneof(
    { arbitrary: fc.constant(null), weight: none ? 120 : 20 },
    { arbitrary: encoded(valid), weight: none ? 0 : 80 },
    { arbitrary: encoded(mutated(valid)), weight: none ? 20 : 120 },
    { arbitrary: encoded(anyJson()), weight: 40 },
    { arbitrary: fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)), weight: 20 },
    {
      arbitrary: fc
        .constantFrom(1024 * 1024, 1024 * 1024 + 1)
        .map((n) => Buffer.from(`"${'x'.repeat(n - 2)}"`)),
      weight: none ? 0 : 1,
    },
  );
}

export function fuzzRequest(port: number): fc.Arbitrary<FuzzRequest> {
  return fuzzRequestUnfiltered(port).filter((request) => !isUnsafe(request));
}

function fuzzRequestUnfiltered(port: number): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      route: fc.constantFrom(...ROUTES),
      otherMethod: fc.option(fc.constantFrom(...METHODS), { freq: 5 }),
      id: idSegment(),
      pathMutation: fc.oneof(
        { arbitrary: fc.constant<PathMutation>('none'), weight: 8 },
        fc.constantFrom<PathMutation>(
          'double-slash',
          'trailing-slash',
          'upper',
          'encoded-letter',
          'dot-segment',
          'extra-segment',
          'leading-slashes',
        ),
      ),
      extraSegment: idSegment(),
      credential: credential(),
      proxyUser: fc.option(
        fc.oneof(
          fc.constantFrom(...Object.values(FUZZ_USERS).map((u) => u.name), 'nobody', ' ada ', ''),
          latin1Text(20),
        ),
        { freq: 6 },
      ),
      fromProxy: fc.boolean(),
      headers: headers(port),
      chunked: fc.boolean(),
      failingAddress: fc.oneof(
        { arbitrary: fc.constant('127.0.0.66'), weight: 3 },
        fc.tuple(fc.nat(255), fc.integer({ min: 1, max: 254 })).map(([a, b]) => `127.66.${a}.${b}`),
      ),
    })
    .chain((r) =>
      fc
        .record({ query: queryString(r.route.query), body: body(r.route.body) })
        .map(({ query, body: payload }) => {
          // Node's client sends bytes up to 0xFF raw and refuses the rest ('ÿ' upper-cased is 'Ÿ'): those %-encoded.
          const path = mutatePath(r.route.path.replace(':id', r.id), r.pathMutation, r.extraSegment).replace(
            /[\u0100-\u{10ffff}]/gu,
            encodeURIComponent,
          );
          return {
            method: r.otherMethod ?? r.route.method,
            path: path + query,
            credential: r.credential,
            proxyUser: r.proxyUser,
            fromProxy: r.fromProxy && r.proxyUser !== null,
            headers: r.headers,
            body: payload,
            chunked: r.chunked,
            failingAddress: r.failingAddress,
          } satisfies FuzzRequest;
        }),
    );
}

export interface FuzzAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The server accepted a WebSocket upgrade (101). */
  upgraded: boolean;
}

export interface Wire {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer | null;
  chunked: boolean;
  localAddress: string;
}

/** One request on its own connection, from `localAddress`, answered within `deadlineMs` or failed as a hang. */
export function sendFuzzRequest(baseUrl: string, wire: Wire, deadlineMs: number): Promise<FuzzAnswer> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...wire.headers };
    // Framed either way: node's client sends a GET's body unframed unless told (bytes no server can read as HTTP).
    if (wire.body !== null) {
      if (wire.chunked) headers['transfer-encoding'] = 'chunked';
      else headers['content-length'] = String(wire.body.length);
    }
    const req = httpRequest({
      host: url.hostname,
      port: url.port,
      method: wire.method,
      path: wire.path,
      headers,
      localAddress: wire.localAddress,
      agent: false,
      setHost: !('host' in headers),
    });
    const timer = setTimeout(() => {
      req.destroy();
      reject(
        new DeadlineMissed(`no answer within ${deadlineMs} ms: ${wire.method} ${wire.path.slice(0, 200)}`),
      );
    }, deadlineMs);
    req.on('upgrade', (res, socket: Socket) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.alloc(0), upgraded: true });
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        clearTimeout(timer);
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks),
          upgraded: false,
        });
      });
      res.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end(wire.body ?? undefined);
  });
}

/** The command a request's body names, when the body is a JSON object with an `execute`. */
export function commandOf(body: Buffer | null): unknown {
  if (body === null) return undefined;
  try {
    const value = JSON.parse(body.toString('utf8')) as unknown;
    return typeof value === 'object' && value !== null ? (value as { execute?: unknown }).execute : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The most privileged role any credential material of the request could give, read generously (a token inside
 * a mangled header, a proxy name from any address): what decides whether a dangerous command may be sent.
 */
export function mostPrivilegedRole(request: FuzzRequest): Role | null {
  const users = Object.values(FUZZ_USERS);
  let role: Role | null = null;
  const { credential } = request;
  if (credential.kind === 'token' || credential.kind === 'session') role = FUZZ_USERS[credential.user].role;
  if (credential.kind === 'authorization') {
    for (const user of users) if (credential.value.includes(user.token)) role = higher(role, user.role);
  }
  const proxied = users.find((user) => user.name === request.proxyUser?.trim());
  if (proxied !== undefined) role = higher(role, proxied.role);
  return role;
}

/** A request that could run a dangerous command: never generated (see fuzz-commands.ts). */
export function isUnsafe(request: FuzzRequest): boolean {
  return unsafeToSend(mostPrivilegedRole(request), commandOf(request.body));
}

/** Failed credentials are counted per address: requests that may fail one come from `failingAddress`. */
export function mayFailCredential(request: FuzzRequest): boolean {
  const { credential } = request;
  if (credential.kind === 'authorization' || credential.kind === 'cookie') return true;
  return request.method === 'POST' && /session/i.test(request.path);
}
