/**
 * The build's "cannot build here" path, as the setup script meets it: the CLI run for real, with PATH pointing at
 * stand-ins for apt that behave like a machine without apt or without network.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const BUILD = join(dirname(fileURLToPath(import.meta.url)), 'build.ts');

function runBuild(path: string, cacheDir: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', BUILD], {
    env: { ...process.env, PATH: path, QMPDECK_CACHE_DIR: cacheDir },
    encoding: 'utf8',
    timeout: 30_000,
  });
}

function fakeTool(dir: string, name: string, script: string): void {
  writeFileSync(join(dir, name), `#!/bin/sh\n${script}\n`);
  chmodSync(join(dir, name), 0o755);
}

describe('demo guest build where it cannot build', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'qmpdeck-build-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('says so in one line and exits 0 when apt is missing', () => {
    // The CLI is started by absolute path, so an empty PATH hides every tool, apt included.
    const result = runBuild(join(dir, 'empty'), join(dir, 'cache'));
    expect(result.status).toBe(0);
    expect(result.stdout.trim().split('\n')).toEqual([
      'demo guest: not built: apt-get or dpkg-deb not found; the demo will run VMs without an operating system',
    ]);
  });

  it('says so in one line and exits 0 when the packages cannot be downloaded', () => {
    const bin = join(dir, 'bin');
    spawnSync('mkdir', [bin]);
    fakeTool(
      bin,
      'apt-cache',
      [
        'case "$1" in',
        '  policy) echo "$2:"; echo "  Candidate: 1.0" ;;',
        '  depends) echo "$2"; echo "  Depends: linux-image-9.9-cloud-amd64" ;;',
        'esac',
      ].join('\n'),
    );
    fakeTool(
      bin,
      'apt-get',
      `echo "E: Failed to fetch http://deb.debian.org/x  Temporary failure resolving 'deb.debian.org'" >&2; exit 100`,
    );
    fakeTool(bin, 'dpkg-deb', 'exit 1');
    const result = runBuild(bin, join(dir, 'cache'));
    expect(result.status).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines.at(-1)).toMatch(
      /^demo guest: not built: apt-get download failed \(no network\?\): .*deb\.debian\.org.*; the demo will run VMs without an operating system$/,
    );
    expect(lines.filter((line) => line.includes('not built'))).toHaveLength(1);
  });
});
