import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CommandPipeline } from '../commands/command-pipeline.ts';
import type { CommandRequest } from '../commands/command-request.ts';
import { matchesEtag, Screenshots } from './screenshots.ts';

/**
 * The pipeline's QMP route stands in for QEMU here (what QEMU writes is covered in consoles.qemu.test.ts): it
 * writes `screen` into the file it is asked to, or fails as QEMU does without a graphics device or without the
 * right to write the file.
 */
function fakePipeline(state: {
  screen: string;
  display: boolean;
  requests: CommandRequest[];
  gate?: Promise<void>;
  /** QEMU cannot write the file (it runs as another user). */
  denied?: boolean;
}) {
  return {
    run: async (request: CommandRequest) => {
      state.requests.push(request);
      await state.gate;
      if (state.denied) {
        const file = String(request.arguments?.filename);
        throw Object.assign(new Error('denied'), {
          class: 'GenericError',
          desc: `failed to open file '${file}': Permission denied`,
        });
      }
      if (!state.display) {
        throw Object.assign(new Error('no console'), {
          class: 'GenericError',
          desc: 'There is no console to take a screendump from',
        });
      }
      writeFileSync(request.arguments?.filename as string, state.screen);
      return {};
    },
  } as unknown as CommandPipeline;
}

describe('Screenshots', () => {
  let dir: string;
  let clock = 0;
  const now = () => clock;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'screenshots-'));
    clock = 1_000_000;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('shares one screendump among everyone asking within the interval, as the bridge actor, into its own dir', async () => {
    let open!: () => void;
    const state = {
      screen: 'png-1',
      display: true,
      requests: [] as CommandRequest[],
      gate: new Promise<void>((r) => (open = r)),
    };
    const shots = new Screenshots({
      pipeline: fakePipeline(state),
      runtimeBase: dir,
      minIntervalMs: 2000,
      now,
    });
    const asked = [shots.take('vm'), shots.take('vm'), shots.take('vm')];
    open();
    const [a, b, c] = await Promise.all(asked);
    expect(state.requests).toHaveLength(1);
    expect(state.requests[0]).toMatchObject({
      vm: 'vm',
      target: 'qmp',
      command: 'screendump',
      arguments: { format: 'png' },
      actor: { client: 'bridge', user: null, origin: 'screenshot' },
    });
    const filename = String(state.requests[0]?.arguments?.filename);
    expect(filename.startsWith(`${dir}/qmpdeck-screens-`)).toBe(true);
    expect(a?.png.toString()).toBe('png-1');
    expect(b).toBe(a);
    expect(c).toBe(a);
    // The file is gone once read; the directory with it when the bridge stops.
    const [own] = readdirSync(dir);
    expect(readdirSync(join(dir, own as string))).toEqual([]);
    shots.dispose();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('takes a new one only after the interval, with a new ETag when the screen changed', async () => {
    const state = { screen: 'png-1', display: true, requests: [] as CommandRequest[] };
    const shots = new Screenshots({
      pipeline: fakePipeline(state),
      runtimeBase: dir,
      minIntervalMs: 2000,
      now,
    });
    const first = await shots.take('vm');
    clock += 1999;
    state.screen = 'png-2';
    expect(await shots.take('vm')).toBe(first);
    clock += 1;
    const second = await shots.take('vm');
    expect(second.png.toString()).toBe('png-2');
    expect(second.etag).not.toBe(first.etag);
    expect(second.etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    clock += 5000;
    const third = await shots.take('vm');
    expect(third.etag).toBe(second.etag);
    expect(state.requests).toHaveLength(3);
  });

  it('answers NoDisplay for a VM without a graphics device, at most one screendump per interval', async () => {
    const state = { screen: '', display: false, requests: [] as CommandRequest[] };
    const shots = new Screenshots({
      pipeline: fakePipeline(state),
      runtimeBase: dir,
      minIntervalMs: 2000,
      now,
    });
    await expect(shots.take('vm')).rejects.toMatchObject({ class: 'NoDisplay', status: 404 });
    await expect(shots.take('vm')).rejects.toMatchObject({ class: 'NoDisplay' });
    expect(state.requests).toHaveLength(1);
  });

  it("passes QEMU's other failures on without the bridge's file path", async () => {
    const state = { screen: '', display: true, denied: true, requests: [] as CommandRequest[] };
    const shots = new Screenshots({ pipeline: fakePipeline(state), runtimeBase: dir, now });
    await expect(shots.take('vm')).rejects.toMatchObject({
      class: 'GenericError',
      desc: "failed to open file 'the screenshot file': Permission denied",
    });
  });

  it('keeps each VM apart', async () => {
    const state = { screen: 'x', display: true, requests: [] as CommandRequest[] };
    const shots = new Screenshots({ pipeline: fakePipeline(state), runtimeBase: dir, now });
    await Promise.all([shots.take('a'), shots.take('b')]);
    expect(state.requests.map((r) => r.vm).sort()).toEqual(['a', 'b']);
  });
});

describe('matchesEtag', () => {
  it('matches the tag itself, in a list, weak, or *', () => {
    expect(matchesEtag('"abc"', '"abc"')).toBe(true);
    expect(matchesEtag('"x", "abc"', '"abc"')).toBe(true);
    expect(matchesEtag('W/"abc"', '"abc"')).toBe(true);
    expect(matchesEtag('*', '"abc"')).toBe(true);
    expect(matchesEtag('"abd"', '"abc"')).toBe(false);
    expect(matchesEtag(undefined, '"abc"')).toBe(false);
  });
});
