import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findQemuPython, qemuPythonCacheDir, qemuPythonEnv } from './cache.ts';
import { QEMU_SOURCE } from './source.ts';

describe('qemuPythonCacheDir', () => {
  it('prefers QMPDECK_QEMU_PYTHON_DIR, then XDG_CACHE_HOME, then ~/.cache', () => {
    expect(qemuPythonCacheDir({ QMPDECK_QEMU_PYTHON_DIR: '/x', XDG_CACHE_HOME: '/y' })).toBe('/x');
    expect(qemuPythonCacheDir({ XDG_CACHE_HOME: '/y' })).toBe('/y/qmpdeck/qemu-python');
    expect(qemuPythonCacheDir({})).toMatch(/\.cache\/qmpdeck\/qemu-python$/);
  });
});

describe('findQemuPython', () => {
  let dir: string;
  const manifest = (sha256: string) =>
    JSON.stringify({ url: QEMU_SOURCE.url, sha256, fetchedAt: '2026-01-01T00:00:00.000Z' });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'qmpdeck-qemu-python-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('is null until the package, qmp-shell and a manifest of the pinned tarball are all there', () => {
    expect(findQemuPython(dir)).toBeNull();
    mkdirSync(join(dir, 'python/qemu/qmp'), { recursive: true });
    writeFileSync(join(dir, 'python/qemu/qmp/__init__.py'), '');
    mkdirSync(join(dir, 'scripts/qmp'), { recursive: true });
    writeFileSync(join(dir, 'scripts/qmp/qmp-shell'), '');
    expect(findQemuPython(dir)).toBeNull();
    writeFileSync(join(dir, 'manifest.json'), manifest('0'.repeat(64)));
    expect(findQemuPython(dir)).toBeNull();
    writeFileSync(join(dir, 'manifest.json'), manifest(QEMU_SOURCE.sha256));
    expect(findQemuPython(dir)).toEqual({
      pythonPath: join(dir, 'python'),
      qmpShell: join(dir, 'scripts/qmp/qmp-shell'),
    });
  });
});

describe('qemuPythonEnv', () => {
  it("puts the package first on PYTHONPATH and keeps the caller's own entries", () => {
    const found = { pythonPath: '/cache/python', qmpShell: '/cache/scripts/qmp/qmp-shell' };
    expect(qemuPythonEnv(found, { HOME: '/h' })).toEqual({ HOME: '/h', PYTHONPATH: '/cache/python' });
    expect(qemuPythonEnv(found, { PYTHONPATH: '/mine' }).PYTHONPATH).toBe('/cache/python:/mine');
  });
});
