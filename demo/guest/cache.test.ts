import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  accelArgs,
  demoGuestCacheDir,
  findDemoGuest,
  type Manifest,
  readManifest,
  sameInputs,
} from './cache.ts';

describe('demoGuestCacheDir', () => {
  it('prefers QMPDECK_CACHE_DIR, then XDG_CACHE_HOME, then ~/.cache', () => {
    expect(demoGuestCacheDir({ QMPDECK_CACHE_DIR: '/x', XDG_CACHE_HOME: '/y' })).toBe('/x');
    expect(demoGuestCacheDir({ XDG_CACHE_HOME: '/y' })).toBe('/y/qmpdeck/demo-guest');
    expect(demoGuestCacheDir({})).toMatch(/\.cache\/qmpdeck\/demo-guest$/);
  });
});

describe('findDemoGuest', () => {
  let dir: string;
  const manifest: Manifest = {
    inputs: { packages: { 'busybox-static': '1:1.35.0' }, sourcesHash: 'abc' },
    kernelRelease: '6.1.0-test',
    builtAt: '2026-01-01T00:00:00.000Z',
    accelerators: ['tcg'],
  };
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qmpdeck-cache-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is null until kernel, initramfs and manifest are all there', async () => {
    expect(findDemoGuest(dir)).toBeNull();
    await writeFile(join(dir, 'vmlinuz'), 'k');
    await writeFile(join(dir, 'initrd.img'), 'i');
    expect(findDemoGuest(dir)).toBeNull();
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest));
    const guest = findDemoGuest(dir);
    expect(guest).toEqual({
      kernel: join(dir, 'vmlinuz'),
      initrd: join(dir, 'initrd.img'),
      accelerators: ['tcg'],
    });
    expect(guest && accelArgs(guest)).toEqual(['-accel', 'tcg']);
  });

  it('treats a torn or foreign manifest as not built', async () => {
    await writeFile(join(dir, 'manifest.json'), '{"inputs": ');
    expect(readManifest(dir)).toBeNull();
    await writeFile(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, accelerators: 'tcg' }));
    expect(readManifest(dir)).toBeNull();
  });

  it('compares inputs exactly, so a new package version or script rebuilds', () => {
    expect(sameInputs(manifest.inputs, { ...manifest.inputs })).toBe(true);
    expect(sameInputs(manifest.inputs, { ...manifest.inputs, sourcesHash: 'abd' })).toBe(false);
    expect(
      sameInputs(manifest.inputs, { packages: { 'busybox-static': '1:1.36.0' }, sourcesHash: 'abc' }),
    ).toBe(false);
  });
});
