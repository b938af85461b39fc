/**
 * How much each fuzz target runs. `pnpm test` runs a short pass (a few hundred inputs per target, a fixed seed and
 * a random one); `pnpm fuzz` sets FUZZ_RUNS (at least 100,000 inputs over the four targets) for the long pass.
 * FUZZ_SEED replays one seed (the one a failure printed) instead of the fixed and random pair.
 */

export type FuzzTarget = 'http' | 'websocket' | 'config' | 'framing';

/** Runs per target and per seed in the short pass: about 20-30 s for all four together on the 2-core machine. */
const SHORT_RUNS: Record<FuzzTarget, number> = { http: 120, websocket: 60, config: 250, framing: 300 };

/**
 * The long pass's share of FUZZ_RUNS per target. The bridge targets cost a real round trip (and QEMU) per
 * input, the pure ones microseconds, so the pure ones take the larger share without making the pass longer. A
 * WebSocket run is a burst of frames waited on one by one (about a fifth of a second each), so its share stays small:
 * 5,000 runs of 100,000 are some 17,000 frames in a few minutes, where 15,000 runs took over an hour on a busy host.
 */
const LONG_SHARE: Record<FuzzTarget, number> = { http: 0.25, websocket: 0.05, config: 0.4, framing: 0.3 };

/** The seed every short pass starts with, so a run is reproducible however the random one falls. */
export const FIXED_SEED = 20_240_512;

export interface FuzzPlan {
  target: FuzzTarget;
  /** Seeds to run, each with `runsPerSeed` runs. */
  seeds: number[];
  runsPerSeed: number;
  long: boolean;
}

export function fuzzPlan(target: FuzzTarget, env: NodeJS.ProcessEnv = process.env): FuzzPlan {
  const total = parseCount(env.FUZZ_RUNS, 'FUZZ_RUNS');
  const replay = env.FUZZ_SEED === undefined ? undefined : parseSeed(env.FUZZ_SEED);
  const seeds = replay === undefined ? [FIXED_SEED, randomSeed()] : [replay];
  const runs = total === undefined ? SHORT_RUNS[target] * 2 : Math.ceil(total * LONG_SHARE[target]);
  return { target, seeds, runsPerSeed: Math.ceil(runs / seeds.length), long: total !== undefined };
}

/** Vitest's time limit for a target's test: generous, since a failure's shrinking replays inputs too. */
export function fuzzTimeoutMs(plan: FuzzPlan): number {
  return plan.long ? 60 * 60_000 : 120_000;
}

function randomSeed(): number {
  return (Math.random() * 0x7fffffff) | 0;
}

function parseCount(text: string | undefined, name: string): number | undefined {
  if (text === undefined || text === '') return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got "${text}"`);
  return n;
}

function parseSeed(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n)) throw new Error(`FUZZ_SEED must be an integer, got "${text}"`);
  return n;
}
