/**
 * The ISO's recipe without booting it: GRUB's configuration, the "cannot make it here" reasons, and an image made
 * by the real grub-mkrescue that carries a boot entry for BIOS and one for UEFI (xorriso reads them back).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GUEST_KERNEL_ARGS_WITH_DISPLAY } from '../kernel-args.ts';
import { GuestBuildUnavailable } from './apt.ts';
import { BANNER_MARK } from './boot-check.ts';
import { GRUB_CONFIG, ISO_KERNEL_ARGS, isoToolVersions, makeIso } from './iso.ts';

const tools = await isoToolVersions();

describe('GRUB_CONFIG', () => {
  it('boots the one entry at once, with the kernel arguments of the demo config', () => {
    expect(GRUB_CONFIG).toMatch(/^set timeout=0$/m);
    expect(GRUB_CONFIG).toMatch(/^set timeout_style=hidden$/m);
    expect(GRUB_CONFIG).toContain(`linux /boot/vmlinuz ${ISO_KERNEL_ARGS}`);
    expect(ISO_KERNEL_ARGS).toBe(GUEST_KERNEL_ARGS_WITH_DISPLAY.join(' '));
    expect(
      ISO_KERNEL_ARGS.split(' ')
        .filter((arg) => arg.startsWith('console='))
        .at(-1),
    ).toBe('console=ttyS0');
  });

  it('names its entry so that "Booting `<title>\'" cannot pass for the guest banner', () => {
    const titles = [...GRUB_CONFIG.matchAll(/menuentry "([^"]*)"/g)].map((match) => match[1]);
    expect(titles).toHaveLength(1);
    expect(titles[0]).not.toContain(BANNER_MARK);
  });
});

describe('isoToolVersions where the tools are missing', () => {
  let dir: string;
  let savedPath: string | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'qmpdeck-iso-tools-'));
    savedPath = process.env.PATH;
  });
  afterEach(() => {
    process.env.PATH = savedPath;
    rmSync(dir, { recursive: true, force: true });
  });

  it('says dpkg-query is missing when it is', async () => {
    process.env.PATH = dir;
    expect(await isoToolVersions()).toEqual(new GuestBuildUnavailable('dpkg-query not found'));
  });

  it('names the programs it cannot find', async () => {
    // dpkg-query alone: whatever dpkg says, grub-mkrescue and friends are not on this PATH.
    symlinkSync('/usr/bin/dpkg-query', join(dir, 'dpkg-query'));
    process.env.PATH = dir;
    const result = await isoToolVersions();
    expect(result).toBeInstanceOf(GuestBuildUnavailable);
    expect((result as GuestBuildUnavailable).desc).toMatch(/grub-mkrescue|the packages grub-common/);
  });
});

describe.skipIf(tools instanceof GuestBuildUnavailable)('makeIso with the real grub-mkrescue', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'qmpdeck-iso-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('makes one image with a BIOS and a UEFI El Torito entry, the kernel, initramfs and config', async () => {
    writeFileSync(join(dir, 'vmlinuz'), 'kernel');
    writeFileSync(join(dir, 'initrd.img'), 'initramfs');
    mkdirSync(join(dir, 'scratch'));
    const iso = join(dir, 'out.iso');
    await makeIso(join(dir, 'vmlinuz'), join(dir, 'initrd.img'), join(dir, 'scratch'), iso);

    const report = spawnSync(
      'xorriso',
      ['-indev', iso, '-report_el_torito', 'plain', '-find', '/boot', '-type', 'f'],
      {
        encoding: 'utf8',
      },
    );
    expect(report.status).toBe(0);
    const bootImages = report.stdout.split('\n').filter((line) => line.startsWith('El Torito boot img :'));
    expect(bootImages.map((line) => line.split(/\s+/)[6])).toEqual(['BIOS', 'UEFI']);
    expect(report.stdout).toContain("'/boot/vmlinuz'");
    expect(report.stdout).toContain("'/boot/initrd.img'");
    expect(report.stdout).toContain("'/boot/grub/grub.cfg'");
  });
});
