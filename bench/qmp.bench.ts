/**
 * QMP client overhead, measured side by side against one real QEMU in one run: `query-status` round trips through
 * @qmpdeck/qmp versus a raw socket client that also sends ids (QEMU answers commands with ids a little later, so
 * the baseline must send them too), and pipelined throughput with 100 commands in flight. The QEMU has two QMP
 * monitors so both clients stay connected; calls alternate between them so machine noise hits both alike.
 *
 *   node --import tsx bench/qmp.bench.ts     (alone)      pnpm bench -- qmp     (with the root runner)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { QmpClient } from '../packages/qmp/src/index.ts';
import { startQemu } from '../packages/qmp/src/testing/qemu.ts';
import { RawQmp } from './raw-qmp.ts';
import { type Execute, percentile, roundTrips } from './timing.ts';

type Report = (section: string, rows: Record<string, unknown>[]) => void;

const ROUND_TRIPS = 4000;
const WARMUP = 300;
const PIPELINE_TOTAL = 5000;
const IN_FLIGHT = 100;

async function pipelined(execute: Execute, total: number, inFlight: number): Promise<number> {
  let issued = 0;
  const started = process.hrtime.bigint();
  const lane = async () => {
    while (issued < total) {
      issued++;
      await execute();
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return total / seconds;
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const round3 = (n: number) => Math.round(n * 1000) / 1000;

export async function benchQmp(report: Report): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'qmp-bench-'));
  const rawPath = path.join(dir, 'raw.sock');
  const qemu = await startQemu({ dir, extraArgs: ['-qmp', `unix:${rawPath},server=on,wait=off`] });
  const library = await QmpClient.connect({ path: qemu.qmpPath });
  const raw = await RawQmp.connect(rawPath);
  try {
    const viaLibrary: Execute = () => library.execute('query-status');
    const viaRaw: Execute = () => raw.execute('query-status');
    await roundTrips(viaLibrary, WARMUP, []);
    await roundTrips(viaRaw, WARMUP, []);

    const librarySamples: number[] = [];
    const rawSamples: number[] = [];
    for (let i = 0; i < ROUND_TRIPS; i++) {
      // Alternate call by call, and which goes first, so bursts of machine noise hit both alike.
      if (i % 2 === 0) {
        await roundTrips(viaLibrary, 1, librarySamples);
        await roundTrips(viaRaw, 1, rawSamples);
      } else {
        await roundTrips(viaRaw, 1, rawSamples);
        await roundTrips(viaLibrary, 1, librarySamples);
      }
    }
    const stats = (samples: number[]) => ({
      p50: percentile(samples, 50),
      p99: percentile(samples, 99),
      mean: samples.reduce((a, b) => a + b, 0) / samples.length,
    });
    const lib = stats(librarySamples);
    const base = stats(rawSamples);
    report('qmp: query-status round trip (µs, one at a time)', [
      { client: 'raw socket (with ids)', calls: rawSamples.length, ...mapValues(base, round1) },
      { client: '@qmpdeck/qmp', calls: librarySamples.length, ...mapValues(lib, round1) },
      {
        client: 'ratio library/raw (goal < 1.10)',
        calls: '',
        p50: round3(lib.p50 / base.p50),
        p99: round3(lib.p99 / base.p99),
        mean: round3(lib.mean / base.mean),
      },
    ]);

    const rawRates: number[] = [];
    const libraryRates: number[] = [];
    for (let round = 0; round < 3; round++) {
      rawRates.push(await pipelined(viaRaw, PIPELINE_TOTAL, IN_FLIGHT));
      libraryRates.push(await pipelined(viaLibrary, PIPELINE_TOTAL, IN_FLIGHT));
    }
    const best = (rates: number[]) => Math.max(...rates);
    report(
      `qmp: pipelined query-status, ${IN_FLIGHT} in flight (commands/s, best of 3 × ${PIPELINE_TOTAL})`,
      [
        { client: 'raw socket (with ids)', commandsPerSecond: Math.round(best(rawRates)) },
        { client: '@qmpdeck/qmp', commandsPerSecond: Math.round(best(libraryRates)) },
        { client: 'ratio library/raw', commandsPerSecond: round3(best(libraryRates) / best(rawRates)) },
      ],
    );
  } finally {
    raw.close();
    await library.close();
    await qemu.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

function mapValues<T extends Record<string, number>>(values: T, fn: (n: number) => number): T {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, fn(v)])) as T;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchQmp((section, rows) => {
    console.log(`\n## ${section}`);
    console.table(rows);
  });
}
