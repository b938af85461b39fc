/**
 * Retention by count against a real QEMU: a database kept under no limit is
 * trimmed as soon as a bridge with `maxEvents` opens it, and each new event
 * pushes the oldest out at once, so a page never holds more than the limit;
 * a short age limit is applied within a fraction of that age.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventPage } from '@qmpdeck/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BridgeConfig } from '../config/schema.ts';
import type { RunningBridge } from '../server.ts';
import { getJson, postJson, startTestBridge } from '../testing/bridge.ts';
import { startQemu, type TestQemu } from '../testing/qemu.ts';
import { waitFor } from '../testing/wait-for.ts';

describe('event retention', () => {
  let dir: string;
  let qemu: TestQemu;
  let bridge: RunningBridge | undefined;

  async function startWith(retention?: BridgeConfig['retention']): Promise<RunningBridge> {
    const started = await startTestBridge(dir, {
      vms: [{ id: 'alpha', qmp: { socket: qemu.socket as string } }],
      ...(retention ? { retention } : {}),
    });
    bridge = started;
    await waitFor(() => started.registry.get('alpha')?.status, 'alpha connected');
    return started;
  }

  /** Each round is a RESUME and a STOP; QEMU sends the event before the answer, so both are stored on return. */
  async function pauseAndResume(running: RunningBridge, rounds: number): Promise<void> {
    for (let i = 0; i < rounds; i++) {
      expect((await postJson(running, '/api/vms/alpha/execute', { execute: 'cont' })).status).toBe(200);
      expect((await postJson(running, '/api/vms/alpha/execute', { execute: 'stop' })).status).toBe(200);
    }
  }

  async function page(running: RunningBridge): Promise<EventPage> {
    return EventPage.parse((await getJson(running, '/api/vms/alpha/events?limit=1000')).body);
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bridge-retention-'));
    qemu = await startQemu(dir, 'alpha');
  });

  afterAll(async () => {
    await bridge?.stop();
    await qemu?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('trims history kept under no limit when a bridge with maxEvents opens it', async () => {
    const unlimited = await startWith();
    await pauseAndResume(unlimited, 5);
    expect((await page(unlimited)).events.length).toBeGreaterThan(10);
    await unlimited.stop();

    const limited = await startWith({ maxEvents: 5 });
    const { events, lastSeq } = await page(limited);
    expect(events.length).toBeLessThanOrEqual(5);
    expect(events.every((e) => e.seq > lastSeq - 5)).toBe(true);
  });

  it('keeps at most maxEvents per VM as events arrive, the newest ones', async () => {
    const limited = bridge as RunningBridge;
    await pauseAndResume(limited, 10);
    const { events, lastSeq } = await page(limited);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5].map((n) => lastSeq - 5 + n));
    expect(events.at(-1)?.event).toBe('STOP');
  });

  it('drops events older than maxAgeDays soon after, not a minute later', async () => {
    await (bridge as RunningBridge).stop();
    const shortLived = await startWith({ maxAgeDays: 2 / 86_400 });
    await pauseAndResume(shortLived, 1);
    expect((await page(shortLived)).events.length).toBeGreaterThan(0);
    // Two seconds of age plus a prune round; the minute-long period alone would time this out.
    await waitFor(async () => (await page(shortLived)).events.length === 0, 'every event aged out', 15_000);
  });
});
