/**
 * The bridge as it was before issue 11 (one command pipeline, fastify), unpacked from git next to the current one
 * so a bench can run both against the same QEMU in the same run. Its files come from `git archive` of the
 * baseline commit; its node_modules are symlinks to the current ones (same dependency versions), except the
 * workspace packages, which come from the baseline too.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';

/** The last commit of main before the bridge's reshaping (issue 11); BENCH_BASELINE_COMMIT overrides. */
export const BASELINE_COMMIT = process.env.BENCH_BASELINE_COMMIT ?? '52c4c2d';

/** Unpacks the baseline into `into`; returns its bridge directory, or null (with the reason) when git cannot. */
export function unpackBaselineBridge(
  repoRoot: string,
  into: string,
): { bridgeDir: string } | { skipped: string } {
  const archive = spawnSync(
    'git',
    [
      '-C',
      repoRoot,
      'archive',
      '--format=tar',
      BASELINE_COMMIT,
      'apps/bridge',
      'packages/qmp',
      'packages/protocol',
      'tsconfig.base.json',
    ],
    {
      maxBuffer: 256 * 1024 * 1024,
    },
  );
  if (archive.status !== 0) {
    return {
      skipped: `git archive ${BASELINE_COMMIT} failed: ${archive.stderr.toString().trim() || archive.error?.message}`,
    };
  }
  mkdirSync(into, { recursive: true });
  const untar = spawnSync('tar', ['-x', '-C', into], { input: archive.stdout });
  if (untar.status !== 0) return { skipped: `tar failed: ${untar.stderr.toString().trim()}` };

  const bridgeModules = path.join(into, 'apps/bridge/node_modules');
  mkdirSync(path.join(bridgeModules, '@qmpdeck'), { recursive: true });
  const current = path.join(repoRoot, 'apps/bridge/node_modules');
  for (const entry of readdirSync(current)) {
    if (entry !== '@qmpdeck') symlinkSync(path.join(current, entry), path.join(bridgeModules, entry));
  }
  for (const workspacePackage of ['qmp', 'protocol']) {
    symlinkSync(
      path.join(into, 'packages', workspacePackage),
      path.join(bridgeModules, '@qmpdeck', workspacePackage),
    );
  }
  const protocolModules = path.join(repoRoot, 'packages/protocol/node_modules');
  if (existsSync(protocolModules))
    symlinkSync(protocolModules, path.join(into, 'packages/protocol/node_modules'));
  return { bridgeDir: path.join(into, 'apps/bridge') };
}
