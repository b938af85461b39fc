/** Timing helpers shared by the benches: sequential round trips in microseconds, and percentiles. */

export type Execute = () => Promise<unknown>;

/** Runs `execute` `count` times one after another; pushes each round trip (us) into `samples` when given. */
export async function roundTrips(execute: Execute, count: number, samples: number[] | null): Promise<void> {
  for (let i = 0; i < count; i++) {
    const started = process.hrtime.bigint();
    await execute();
    samples?.push(Number(process.hrtime.bigint() - started) / 1000);
  }
}

export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}
