/**
 * The demo guest's ISO boots as a CD-ROM under BIOS (SeaBIOS) and UEFI (OVMF), as `-cdrom` on `pc` and as an
 * `-drive media=cdrom,if=ide` on q35 (its AHCI controller), straight through GRUB without a menu, to the same
 * Linux as the kernel boot: the banner on the serial port, the agent answering, the hostname, the kernel release,
 * and the boot CD readable from inside the guest.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { copyUefiVars, ovmfInstalled, uefiFirmwareArgs } from '../testing/firmware.ts';
import { guestExec } from '../testing/guest-exec.ts';
import { BANNER_LINE, type GuestVm, launchGuestVm } from '../testing/guest-vm.ts';
import { accelArgs, demoGuestCacheDir, findDemoGuest, readManifest } from './cache.ts';
import { HOSTNAME } from './guest-files.ts';

const guest = findDemoGuest();
if (guest?.iso == null) {
  console.warn(
    'the demo guest ISO is not built (run: bash scripts/setup.sh, which installs its tools and builds it); ISO tests skipped',
  );
}
const kernelRelease = readManifest(demoGuestCacheDir())?.kernelRelease;

type Firmware = 'BIOS' | 'UEFI';

const DRIVES = [
  { name: '-cdrom on pc', machine: 'pc', drive: (iso: string) => ['-cdrom', iso] },
  {
    name: '-drive media=cdrom,if=ide on q35 (AHCI)',
    machine: 'q35',
    drive: (iso: string) => ['-drive', `media=cdrom,if=ide,readonly=on,file=${iso}`],
  },
] as const;

const CASES = (['BIOS', 'UEFI'] as const).flatMap((firmware: Firmware) =>
  DRIVES.map((drive) => ({ firmware, ...drive })),
);

describe.skipIf(guest?.iso == null)('the demo guest ISO', () => {
  let vm: GuestVm | undefined;
  afterEach(async () => {
    await vm?.dispose();
    vm = undefined;
  });

  it.each(CASES)(
    'boots under $firmware as $name',
    { timeout: 150_000 },
    async ({ firmware, machine, drive }) => {
      if (guest?.iso == null) throw new Error('unreachable: the suite is skipped without an ISO');
      if (firmware === 'UEFI' && !ovmfInstalled())
        throw new Error("OVMF is missing: install Debian's ovmf package");
      const iso = guest.iso;
      vm = await launchGuestVm((dir) => [
        // Under UEFI, GRUB's loader needs one free 64 MiB run for the kernel to unpack into: 256 MiB is not enough.
        ...['-M', machine, '-m', firmware === 'UEFI' ? '512' : '128', '-nodefaults', '-vga', 'std'],
        ...accelArgs(guest),
        ...(firmware === 'UEFI' ? uefiFirmwareArgs(copyUefiVars(dir)) : []),
        ...drive(iso),
      ]);
      // GRUB shows its menu (and "GNU GRUB" header) only when booting the entry failed: stop waiting then.
      await vm.waitForSerial(new RegExp(`${BANNER_LINE}|GNU GRUB`), 90_000);
      expect(vm.serialOutput()).not.toContain('GNU GRUB');
      expect(vm.serialOutput()).toContain(BANNER_LINE);

      const agent = await vm.agent();
      expect(await agent.execute('guest-get-host-name')).toEqual({ 'host-name': HOSTNAME });
      expect(await agent.execute('guest-get-osinfo')).toMatchObject({ 'kernel-release': kernelRelease });

      // The boot CD, seen by the guest's own CD-ROM drivers (ata_piix on pc, ahci on q35).
      expect((await guestExec(agent, ['/bin/mkdir', '-p', '/mnt/cd'])).exitCode).toBe(0);
      expect(
        await guestExec(agent, ['/bin/mount', '-t', 'iso9660', '-o', 'ro', '/dev/sr0', '/mnt/cd']),
      ).toMatchObject({
        exitCode: 0,
      });
      expect((await guestExec(agent, ['/bin/cat', '/mnt/cd/boot/grub/grub.cfg'])).stdout).toContain(
        'timeout=0',
      );

      // The VGA console is on a framebuffer: efifb from GRUB under UEFI (no text mode there), then bochs-drm's.
      expect((await guestExec(agent, ['/bin/cat', '/proc/fb'])).stdout).toMatch(/^0 bochs-drmdrmfb$/m);
    },
  );
});
