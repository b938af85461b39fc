/**
 * `pnpm bench`: every benchmark of the repo in one run, printed as tables.
 * Each bench file exports `bench*(report)` and measures side by side against a
 * raw baseline in the same run (a raw QMP socket, a bare ws server), so the
 * ratios mean something on a noisy machine. Select some with
 * `pnpm bench -- qmp bridge`.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export type Row = Record<string, unknown>;
export type Report = (section: string, rows: Row[]) => void;

const here = dirname(fileURLToPath(import.meta.url));
const benches = [
  { name: 'qmp', file: 'qmp.bench.ts', fn: 'benchQmp' },
  { name: 'bridge', file: 'bridge.bench.ts', fn: 'benchBridge' },
  { name: 'web', file: 'web.bench.ts', fn: 'benchWeb' },
  { name: 'guest', file: 'guest.bench.ts', fn: 'benchGuest' },
  { name: 'jobs', file: 'jobs.bench.ts', fn: 'benchJobs' },
  { name: 'qmp-proxy', file: 'qmp-proxy.bench.ts', fn: 'benchQmpProxy' },
  { name: 'metrics', file: 'metrics.bench.ts', fn: 'benchMetrics' },
  { name: 'console', file: 'console.bench.ts', fn: 'benchConsole' },
];

const report: Report = (section, rows) => {
  console.log(`\n## ${section}`);
  console.table(rows);
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((arg) => arg !== '--');
  let failed = false;
  for (const bench of benches) {
    if (wanted.length > 0 && !wanted.includes(bench.name)) continue;
    const path = join(here, bench.file);
    if (!existsSync(path)) {
      console.log(`\n## ${bench.name}: no ${bench.file} yet`);
      continue;
    }
    const module = (await import(pathToFileURL(path).href)) as Record<string, (r: Report) => Promise<void>>;
    const run = module[bench.fn];
    if (typeof run !== 'function') {
      console.error(`${bench.file} does not export ${bench.fn}`);
      failed = true;
      continue;
    }
    const started = Date.now();
    try {
      await run(report);
      console.log(`(${bench.name} took ${((Date.now() - started) / 1000).toFixed(1)} s)`);
    } catch (error) {
      failed = true;
      console.error(`${bench.name} failed:`, error);
    }
  }
  process.exit(failed ? 1 : 0);
}

await main();
