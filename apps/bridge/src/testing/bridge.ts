/** Starts the bridge in-process on port 0 with its database in the test's temp dir. */
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
    config: { vms: [], database: join(dir, 'events.db'), ...config },
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

export async function getJson(
  bridge: RunningBridge,
  path: string,
): Promise<{ status: number; body: JsonBody }> {
  const res = await fetch(bridge.url + path);
  return { status: res.status, body: await res.json() };
}

export async function postJson(
  bridge: RunningBridge,
  path: string,
  body: unknown,
): Promise<{ status: number; body: JsonBody }> {
  const res = await fetch(bridge.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}
