// `pnpm test`: every check in one command, in the order that fails fastest:
// typecheck, lint, unit + integration tests (Vitest, real QEMU), the library
// again on Node 22, then the end-to-end tests (Playwright in Debian's Chromium, real bridge and QEMU).
// Every step runs even after a failure, so one run shows everything that is
// wrong; the exit code is non-zero if any step failed.
// A test that fails is run once more: the integration tests drive real QEMUs, guests
// and Chromium on a 2-core host, where a one-off stall is not a defect of the
// product. One that passes only on its retry still counts and is named FLAKY, so
// it is seen and looked into, never hidden. The last lines name each failed or flaky
// test with the first line of its error (a CI log is often read from its tail only),
// then the plain "N passed, N failed" count over both test runners.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules/.bin', name);
const reports = mkdtempSync(join(tmpdir(), 'qmpdeck-test-'));
const vitestReport = join(reports, 'vitest.json');
const playwrightReport = join(reports, 'playwright.json');

const steps = [
  { name: 'typecheck', cmd: process.execPath, args: [join(root, 'scripts/typecheck.mjs')] },
  { name: 'lint', cmd: bin('biome'), args: ['check', '.'] },
  {
    name: 'unit and integration tests (vitest)',
    cmd: bin('vitest'),
    args: ['run', '--retry=1', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestReport}`],
  },
  {
    name: 'qmp and protocol on Node 22',
    cmd: process.execPath,
    args: [join(root, 'scripts/test-node22.mjs')],
  },
  { name: 'web build', cmd: 'pnpm', args: ['--filter', '@qmpdeck/web', 'build'] },
  {
    name: 'end-to-end tests (playwright)',
    cmd: bin('playwright'),
    args: ['test', '-c', 'e2e/playwright.config.ts', '--retries=1'],
    env: { PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightReport },
  },
];

function run(step) {
  console.log(`\n=== ${step.name}`);
  const started = Date.now();
  const result = spawnSync(step.cmd, step.args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...step.env },
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const ok = result.status === 0;
  console.log(`=== ${step.name}: ${ok ? 'ok' : 'FAILED'} (${seconds} s)`);
  return ok;
}

function readJson(file) {
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    console.error(`could not read ${file}: ${error.message}`);
    return null;
  }
}

function firstLine(text) {
  const plain = stripVTControlCharacters(String(text ?? ''));
  return plain.split('\n').find((line) => line.trim() !== '') ?? '';
}

/** Each failed test, and each that failed once and passed on its retry, as "FAILED|FLAKY name: first error line". */
function vitestOutcomes(report) {
  const lines = [];
  for (const file of report?.testResults ?? []) {
    const name = file.name.startsWith(root) ? file.name.slice(root.length + 1) : file.name;
    let failedTests = 0;
    for (const test of file.assertionResults ?? []) {
      // A retried test keeps the errors of its failed runs.
      const verdict = test.status === 'failed' ? 'FAILED' : test.failureMessages?.length ? 'FLAKY' : null;
      if (verdict === null) continue;
      if (verdict === 'FAILED') failedTests += 1;
      lines.push(`${verdict} ${name} › ${test.fullName}: ${firstLine(test.failureMessages?.[0])}`);
    }
    // A file that failed to load or whose hook threw has no failed test of its own.
    if (failedTests === 0 && file.status === 'failed')
      lines.push(`FAILED ${name}: ${firstLine(file.message)}`);
  }
  return lines;
}

function playwrightOutcomes(report) {
  const lines = [];
  const walk = (suite, titles) => {
    for (const spec of suite.specs ?? []) {
      for (const test of spec.tests ?? []) {
        const verdict = { unexpected: 'FAILED', flaky: 'FLAKY' }[test.status];
        if (verdict === undefined) continue;
        const error = test.results?.find((result) => result.error)?.error;
        lines.push(
          `${verdict} ${spec.file} › ${[...titles, spec.title].join(' › ')}: ${firstLine(error?.message)}`,
        );
      }
    }
    // The top-level suites are the files; nested ones are describe blocks, whose titles belong in the name.
    for (const child of suite.suites ?? []) walk(child, [...titles, child.title]);
  };
  for (const suite of report?.suites ?? []) walk(suite, []);
  return lines;
}

function counts() {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const vitest = readJson(vitestReport);
  if (vitest) {
    passed += vitest.numPassedTests ?? 0;
    failed += vitest.numFailedTests ?? 0;
    skipped += (vitest.numPendingTests ?? 0) + (vitest.numTodoTests ?? 0);
  }
  const playwright = readJson(playwrightReport);
  if (playwright?.stats) {
    passed += (playwright.stats.expected ?? 0) + (playwright.stats.flaky ?? 0);
    failed += playwright.stats.unexpected ?? 0;
    skipped += playwright.stats.skipped ?? 0;
  }
  return { passed, failed, skipped };
}

const failedSteps = steps.filter((step) => !run(step)).map((step) => step.name);
const { passed, failed, skipped } = counts();
console.log('');
if (failedSteps.length > 0) console.log(`failed steps: ${failedSteps.join(', ')}`);
const outcomes = [
  ...vitestOutcomes(readJson(vitestReport)),
  ...playwrightOutcomes(readJson(playwrightReport)),
];
for (const line of outcomes) console.log(line);
const flaky = outcomes.filter((line) => line.startsWith('FLAKY')).length;
console.log(
  `${passed} passed${flaky > 0 ? ` (${flaky} only on a retry)` : ''}, ${failed} failed, ${skipped} skipped`,
);
process.exit(failedSteps.length > 0 ? 1 : 0);
