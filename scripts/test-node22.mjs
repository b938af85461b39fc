// The second Node leg of `pnpm test`: the pure-JavaScript packages (the QMP
// client and the wire protocol) run their tests, real QEMU included, on Node 22
// too, since Node 20 is past its end of life and users move on. Node 22 comes
// from the npm registry's `node` package into .cache/ (once). The bridge stays
// on the main leg: its SQLite binding is compiled for the Node that installed it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const prefix = join(root, '.cache/node22');
const node22 = join(prefix, 'node_modules/node/bin/node');

if (!existsSync(node22)) {
  mkdirSync(prefix, { recursive: true });
  console.log('Fetching Node 22 from the npm registry (once)...');
  const install = spawnSync(
    'npm',
    ['install', '--prefix', prefix, '--no-save', '--no-audit', '--no-fund', 'node@22'],
    {
      stdio: 'inherit',
    },
  );
  if (install.status !== 0 || !existsSync(node22)) {
    console.error('Could not fetch Node 22 from the npm registry: the Node 22 leg cannot run.');
    process.exit(1);
  }
}

const version = spawnSync(node22, ['--version'], { encoding: 'utf8' }).stdout.trim();
console.log(`Node ${version}: packages/qmp and packages/protocol`);
const vitest = join(root, 'node_modules/vitest/vitest.mjs');
const result = spawnSync(node22, [vitest, 'run', '--project', 'qmp', '--project', 'protocol'], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
