/**
 * Fuzz: random and mutated HTTP requests at every route of docs/api.md, against a real bridge with users and two
 * real paused QEMUs (see testing/fuzz-bridge.ts for the clients that must stay untouched meanwhile). Every answer
 * comes within a deadline, is never a 500, carries the security headers, and every refusal is a JSON
 * `{ error: { class, desc } }` (401 with WWW-Authenticate, 429 with Retry-After); a dangerous command is never
 * run; health keeps answering.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFuzz } from '../../../../testing/fuzz/run-fuzz.ts';
import { fuzzPlan, fuzzTimeoutMs } from '../../../../testing/fuzz/settings.ts';
import {
  FUZZ_USERS,
  type FuzzBridge,
  PROXY_ADDRESS,
  PROXY_HEADER,
  startFuzzBridge,
} from '../testing/fuzz-bridge.ts';
import { isDangerous } from '../testing/fuzz-commands.ts';
import {
  commandOf,
  type FuzzAnswer,
  type FuzzRequest,
  fuzzRequest,
  mayFailCredential,
  sendFuzzRequest,
  type Wire,
} from '../testing/fuzz-http.ts';
import { pathOf } from './request-path.ts';

/** Longer than any honest answer: a failed credential's delay (1 s at most), a schema, a 5 s query timeout. */
const DEADLINE_MS = 15_000;
/** Where requests with a credential that cannot fail come from (not the watching clients' 127.0.0.1). */
const GOOD_ADDRESS = '127.0.0.2';
const HEALTH_EVERY = 25;

describe('HTTP fuzz', () => {
  let world: FuzzBridge;
  beforeAll(async () => {
    world = await startFuzzBridge('http-fuzz');
  }, 60_000);
  afterAll(() => world?.dispose());

  const plan = fuzzPlan('http');
  it(
    'answers every request in time with a class and a description, never a 500, and disturbs no other client',
    async () => {
      const statuses = new Map<number, number>();
      let sent = 0;
      const outcome = await runFuzz(
        plan,
        fc.constant(null).chain(() => fuzzRequest(world.bridge.port)),
        async (request) => {
          const wire = toWire(world, request);
          const answer = await sendFuzzRequest(world.bridge.url, wire, DEADLINE_MS);
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
          expectWellAnswered(request, wire, answer);
          // A sign-out may have ended a session the next requests would use.
          if (request.method === 'DELETE' && request.credential.kind === 'session') world.forgetSessions();
          if (++sent % HEALTH_EVERY === 0) await expectHealthy(world);
        },
        { property: 'requests' },
      );
      await expectHealthy(world);
      const witness = await world.finish();
      console.log(
        `fuzz http: statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}; ` +
          `meanwhile ${witness.toggles} stop/cont, ${witness.streamEvents} events streamed without loss`,
      );
      // The answers reached past the guards: commands ran (200) and were refused for reasons of their own.
      expect(outcome.inputs).toBeGreaterThan(0);
      expect(statuses.get(200) ?? 0).toBeGreaterThan(0);
      expect(statuses.get(400) ?? 0).toBeGreaterThan(0);
    },
    fuzzTimeoutMs(plan),
  );
});

function toWire(world: FuzzBridge, request: FuzzRequest): Wire {
  const headers: Record<string, string> = { ...request.headers };
  const { credential } = request;
  if (credential.kind === 'token') headers.authorization = `Bearer ${FUZZ_USERS[credential.user].token}`;
  if (credential.kind === 'session') headers.cookie = world.sessionCookie(credential.user);
  if (credential.kind === 'authorization') headers.authorization = credential.value;
  if (credential.kind === 'cookie') headers.cookie = credential.value;
  if (request.proxyUser !== null) headers[PROXY_HEADER] = request.proxyUser;
  const localAddress = request.fromProxy
    ? PROXY_ADDRESS
    : mayFailCredential(request)
      ? request.failingAddress
      : GOOD_ADDRESS;
  return {
    method: request.method,
    path: request.path,
    headers,
    body: request.body,
    chunked: request.chunked,
    localAddress,
  };
}

function expectWellAnswered(request: FuzzRequest, wire: Wire, answer: FuzzAnswer): void {
  const what = `${wire.method} ${wire.path.slice(0, 120)} -> ${answer.status} ${answer.body.toString('utf8').slice(0, 300)}`;
  expect(answer.status, what).not.toBe(500);
  if (answer.upgraded) {
    expect(answer.status, what).toBe(101);
    return;
  }
  expect(answer.headers['x-content-type-options'], what).toBe('nosniff');
  expect(answer.headers['content-security-policy'], what).toMatch(/frame-ancestors 'none'/);
  const json = /json/.test(String(answer.headers['content-type']));
  const text = answer.body.toString('utf8');
  const body = json && text !== '' ? (JSON.parse(text) as unknown) : undefined;
  if (answer.status >= 400 && wire.method !== 'HEAD' && !missingWebFile(wire, answer)) {
    expect(json, `a JSON error body: ${what}`).toBe(true);
    const error = (body as { error?: { class?: unknown; desc?: unknown } }).error;
    expect(typeof error?.class === 'string' && error.class.length > 0, what).toBe(true);
    expect(typeof error?.desc === 'string' && error.desc.length > 0, what).toBe(true);
    expect(error?.class, what).not.toBe('Internal');
  }
  if (answer.status === 401) expect(answer.headers['www-authenticate'], what).toBeDefined();
  if (answer.status === 429) expect(answer.headers['retry-after'], what).toMatch(/^\d+$/);
  // Dangerous commands are only sent with a role that may not run them: none may have run.
  if (isDangerous(commandOf(request.body)) && body !== null && typeof body === 'object') {
    expect(Object.hasOwn(body, 'return'), `a dangerous command ran: ${what}`).toBe(false);
  }
}

/**
 * A web app file that does not exist (`/assets/index.js`: built names are hashed) is a plain 404 for the browser
 * that asked, not a refused API input: outside /api only.
 */
function missingWebFile(wire: Wire, answer: FuzzAnswer): boolean {
  return (
    answer.status === 404 &&
    !/^\/api(\/|$)/.test(pathOf(wire.path)) &&
    answer.body.toString('utf8') === 'not found'
  );
}

async function expectHealthy(world: FuzzBridge): Promise<void> {
  const answer = await sendFuzzRequest(
    world.bridge.url,
    {
      method: 'GET',
      path: '/api/health',
      headers: {},
      body: null,
      chunked: false,
      localAddress: GOOD_ADDRESS,
    },
    DEADLINE_MS,
  );
  expect(answer.status).toBe(200);
}
