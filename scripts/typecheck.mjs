// Typechecks every workspace project with its own tsconfig; one tsc run each, so a
// project's settings (DOM for the web app, Node for the rest) never leak into another.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const projects = ['.', 'packages/protocol', 'packages/qmp', 'apps/bridge', 'apps/web', 'e2e'];
let failed = false;
for (const project of projects) {
  if (!existsSync(join(root, project, 'tsconfig.json'))) continue;
  const result = spawnSync(join(root, 'node_modules/.bin/tsc'), ['-p', project], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) {
    console.error(`typecheck failed in ${project}`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
