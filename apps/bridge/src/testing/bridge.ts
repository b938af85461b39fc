/**
 * Starts the bridge in-process on port 0 with its database and managed VMs' runtime dirs in the test's temp dir.
 * Its managed QEMUs stop with it (`stopVmsOnExit`) unless the config says otherwise: a test that stops its bridge
 * leaves nothing running unless it means to.
 */
import { join } from 'node:path';
import type { BridgeConfig } from '../config/schema.ts';
import { silentLogger } from '../log.ts';
import { type RunningBridge, type StartOptions, startBridge } from '../server.ts';

export async function startTestBridge(
  dir: string,
  config: Partial<BridgeConfig>,
  options: Partial<StartOptions> = {},
): Promise<RunningBridge> {
  return startBridge({
    config: { vms: [], database: join(dir, 'events.db'), stopVmsOnExit: true, ...config },
    port: 0,
    log: silentLogger(),
    runtimeBase: dir,
    maxRetryDelayMs: 200,
    webRoot: join(dir, 'no-web'),
    ...options,
  });
}

// biome-ignore lint/suspicious/noExplicitAny: tests assert on the shape of arbitrary JSON bodies.
type JsonBody = any;

export interface JsonAnswer {
  status: number;
  body: JsonBody;
  headers: Headers;
  /** The raw text of the body, for tests that look for what must not be in it. */
  text: string;
}

export async function getJson(
  bridge: RunningBridge,
  path: string,
  headers: Record<string, string> = {},
): Promise<JsonAnswer> {
  return requestJson(bridge, 'GET', path, undefined, headers);
}

export async function postJson(
  bridge: RunningBridge,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<JsonAnswer> {
  return requestJson(bridge, 'POST', path, body, headers);
}

/** Any method; a body that is a string is sent as it is, anything else as JSON; an empty answer's body is null. */
export async function requestJson(
  bridge: { url: string },
  method: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<JsonAnswer> {
  const res = await fetch(bridge.url + path, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  const answer = { status: res.status, body: text === '' ? null : JSON.parse(text) } as JsonAnswer;
  // Not enumerable: tests that compare the answer with `toEqual({ status, body })` keep comparing just those.
  Object.defineProperties(answer, { headers: { value: res.headers }, text: { value: text } });
  return answer;
}

/** `Authorization: Bearer <token>`. */
export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}
