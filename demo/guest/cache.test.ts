import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  accelArgs,
  demoGuestCacheDir,
  findDemoGuest,
  type Manifest,
  onlyIsoMissing,
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
    inputs: { packages: { 'busybox-static': '1:1.35.0' }, sourcesHash: 'abc', isoTools: null },
    kernelRelease: '6.1.0-test',
    kernelFile: 'vmlinuz',
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
      iso: null,
      accelerators: ['tcg'],
    });
    expect(guest && accelArgs(guest)).toEqual(['-accel', 'tcg']);
  });

  it('gives the ISO only when the manifest says the tools made it and the file is there', async () => {
    await writeFile(join(dir, 'vmlinuz'), 'k');
    await writeFile(join(dir, 'initrd.img'), 'i');
    const withTools: Manifest = {
      ...manifest,
      inputs: { ...manifest.inputs, isoTools: { xorriso: '1.5.4-4' } },
    };
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(withTools));
    expect(findDemoGuest(dir)?.iso).toBeNull();
    await writeFile(join(dir, 'demo-guest.iso'), 'iso');
    expect(findDemoGuest(dir)?.iso).toBe(join(dir, 'demo-guest.iso'));
    // A leftover ISO beside a guest built without the tools is not offered.
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest));
    expect(findDemoGuest(dir)?.iso).toBeNull();
  });

  it('boots the unpacked PVH kernel when the manifest names it', async () => {
    await writeFile(join(dir, 'vmlinuz'), 'k');
    await writeFile(join(dir, 'initrd.img'), 'i');
    await writeFile(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, kernelFile: 'vmlinux' }));
    expect(findDemoGuest(dir)).toBeNull();
    await writeFile(join(dir, 'vmlinux'), 'elf');
    expect(findDemoGuest(dir)?.kernel).toBe(join(dir, 'vmlinux'));
    await writeFile(
      join(dir, 'manifest.json'),
      JSON.stringify({ ...manifest, kernelFile: '../../etc/passwd' }),
    );
    expect(findDemoGuest(dir)).toBeNull();
  });

  it('reads a manifest from before the PVH kernel and the ISO as a bzImage guest without an ISO', async () => {
    const { isoTools: _, ...oldInputs } = manifest.inputs;
    const { kernelFile: __, ...oldManifest } = manifest;
    await writeFile(join(dir, 'manifest.json'), JSON.stringify({ ...oldManifest, inputs: oldInputs }));
    const read = readManifest(dir);
    expect(read?.kernelFile).toBe('vmlinuz');
    expect(read?.inputs.isoTools).toBeNull();
    const today = { ...manifest.inputs, isoTools: { xorriso: '1.5.4-4' } };
    expect(read && sameInputs(read.inputs, today)).toBe(false);
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
      sameInputs(manifest.inputs, {
        packages: { 'busybox-static': '1:1.36.0' },
        sourcesHash: 'abc',
        isoTools: null,
      }),
    ).toBe(false);
    expect(sameInputs(manifest.inputs, { ...manifest.inputs, isoTools: { 'grub-common': '2.06-13' } })).toBe(
      false,
    );
  });

  it('makes only the ISO when nothing but its tools appeared since the guest was built', () => {
    const tools = { xorriso: '1.5.4-4' };
    const withTools = { ...manifest.inputs, isoTools: tools };
    expect(onlyIsoMissing(manifest.inputs, withTools)).toBe(true);
    expect(onlyIsoMissing(manifest.inputs, { ...withTools, sourcesHash: 'other' })).toBe(false);
    expect(onlyIsoMissing(withTools, { ...withTools, isoTools: { xorriso: '1.5.5' } })).toBe(false);
    expect(onlyIsoMissing(manifest.inputs, manifest.inputs)).toBe(false);
  });
});
