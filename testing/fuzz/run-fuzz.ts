/**
 * Runs one fuzz target's property with fast-check, once per seed of its plan, and says what it did: the number of
 * inputs, the seeds and the result, as one line on stdout (and one JSON line in $FUZZ_REPORT for `pnpm fuzz`'s
 * summary). A failure throws fast-check's report (the shrunk counterexample and the error it caused) with the
 * seed and path to replay it.
 */
import { appendFileSync } from 'node:fs';
import fc from 'fast-check';
import type { FuzzPlan } from './settings.ts';

export interface FuzzOutcome {
  target: string;
  /** Which property of the target. */
  property: string;
  /** Inputs thrown at the target, shrinking included (a WebSocket run sends several frames). */
  inputs: number;
  runs: number;
  seeds: number[];
  ok: boolean;
  seconds: number;
}

export interface RunFuzzOptions<T> {
  /** Which property of the target, for the report line. */
  property?: string;
  /** How many inputs one generated value holds; 1 by default. */
  inputsOf?: (value: T) => number;
}

export async function runFuzz<T>(
  plan: FuzzPlan,
  input: fc.Arbitrary<T>,
  check: (value: T) => Promise<void> | void,
  options: RunFuzzOptions<T> = {},
): Promise<FuzzOutcome> {
  const started = performance.now();
  let inputs = 0;
  let runs = 0;
  const property = fc.asyncProperty(input, async (value) => {
    runs++;
    inputs += options.inputsOf?.(value) ?? 1;
    await check(value);
  });
  let failure: string | null = null;
  for (const seed of plan.seeds) {
    const details = await fc.check(property, { seed, numRuns: plan.runsPerSeed, includeErrorInReport: true });
    if (details.failed) {
      failure =
        `fuzz ${plan.target} (${options.property ?? plan.target}) failed with seed ${seed} (replay: FUZZ_SEED=${seed}; path ${details.counterexamplePath})\n` +
        (fc.defaultReportMessage(details) ?? '');
      break;
    }
  }
  const outcome: FuzzOutcome = {
    target: plan.target,
    property: options.property ?? plan.target,
    inputs,
    runs,
    seeds: plan.seeds,
    ok: failure === null,
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
  report(outcome);
  if (failure !== null) throw new Error(failure);
  return outcome;
}

function report(outcome: FuzzOutcome): void {
  console.log(
    `fuzz ${outcome.target} (${outcome.property}): ${outcome.inputs} inputs in ${outcome.runs} runs, seeds ${outcome.seeds.join(', ')}: ` +
      `${outcome.ok ? 'ok' : 'FAILED'} (${outcome.seconds} s)`,
  );
  const file = process.env.FUZZ_REPORT;
  if (file !== undefined && file !== '') appendFileSync(file, `${JSON.stringify(outcome)}\n`);
}
