// `pnpm test`: every check in one command, in the order that fails fastest:
// typecheck, lint, unit + integration tests (Vitest, real QEMU), the library
// again on Node 22, then the end-to-end tests (Playwright in Debian's Chromium, real bridge and QEMU).
// Every step runs even after a failure, so one run shows everything that is
// wrong; the exit code is non-zero if any step failed. The last line is the
// plain "N passed, N failed" count over both test runners.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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
    args: ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestReport}`],
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
    args: ['test', '-c', 'e2e/playwright.config.ts'],
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
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failedSteps.length > 0 ? 1 : 0);
