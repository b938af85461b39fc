// `pnpm fuzz`: the long pass of the fuzz suite, the `*.fuzz.test.ts` files alone (HTTP, WebSocket, config
// loader, QMP framing), with FUZZ_RUNS runs shared among the four targets (100,000 unless set; testing/fuzz/
// settings.ts says how they are shared). FUZZ_SEED replays one seed. Prints each target's inputs, runs, seeds and
// result (collected from the tests through $FUZZ_REPORT), the total and the time; the exit code is vitest's.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_RUNS = 100_000;
const runs =
  process.env.FUZZ_RUNS === undefined || process.env.FUZZ_RUNS === '' ? DEFAULT_RUNS : process.env.FUZZ_RUNS;
const reports = mkdtempSync(join(tmpdir(), 'qmpdeck-fuzz-'));
const reportFile = join(reports, 'fuzz.jsonl');

console.log(
  `pnpm fuzz: FUZZ_RUNS=${runs}${process.env.FUZZ_SEED ? `, FUZZ_SEED=${process.env.FUZZ_SEED}` : ''}`,
);
const started = Date.now();
const result = spawnSync(
  join(root, 'node_modules/.bin/vitest'),
  ['run', '--reporter=default', 'fuzz.test.ts', ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, FUZZ_RUNS: String(runs), FUZZ_REPORT: reportFile },
  },
);
const seconds = Math.round((Date.now() - started) / 1000);

const outcomes = existsSync(reportFile)
  ? readFileSync(reportFile, 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line))
  : [];
rmSync(reports, { recursive: true, force: true });

console.log('\n=== fuzz summary');
let inputs = 0;
for (const o of outcomes) {
  inputs += o.inputs;
  console.log(
    `${o.target} (${o.property}): ${o.inputs} inputs in ${o.runs} runs, seeds ${o.seeds.join(', ')}: ` +
      `${o.ok ? 'ok' : 'FAILED'} (${o.seconds} s)`,
  );
}
const ok = result.status === 0 && outcomes.length > 0 && outcomes.every((o) => o.ok);
console.log(`${inputs} inputs over ${outcomes.length} properties in ${seconds} s: ${ok ? 'ok' : 'FAILED'}`);
process.exit(ok ? 0 : 1);
