/**
 * A bootable ISO of the demo guest: the same kernel and initramfs behind GRUB, made by Debian's `grub-mkrescue`
 * (with `xorriso`, and `mtools` for the EFI system partition inside it). One image boots under BIOS (SeaBIOS, El
 * Torito) and UEFI (OVMF), as `-cdrom` or as any CD-ROM drive, with no menu and no delay.
 *
 * These tools come from the host (scripts/setup.sh installs them), unlike the guest's own packages: xorriso and
 * GRUB's tools need their libraries, so running them out of an unpacked .deb is not worth it.
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { GuestBuildUnavailable } from './apt.ts';
import { runAllowingFailure } from './run-command.ts';

/** Debian packages whose versions decide the ISO (and whose presence allows it). */
export const ISO_TOOL_PACKAGES = ['grub-common', 'grub-pc-bin', 'grub-efi-amd64-bin', 'xorriso', 'mtools'];
const GRUB_PLATFORM_DIRS = ['/usr/lib/grub/i386-pc', '/usr/lib/grub/x86_64-efi'];
const TOOLS = ['grub-mkrescue', 'xorriso', 'mformat', 'mcopy'];

/**
 * The kernel command line, as the demo config gives it (demo/kernel-args.ts: serial last, so it is /dev/console;
 * `no_timer_check`, so a busy host cannot panic the guest at boot). A copy, because it is baked into the image and
 * only this directory's sources decide when the image is rebuilt; iso.test.ts keeps the two the same.
 */
export const ISO_KERNEL_ARGS = 'console=tty0 console=ttyS0 quiet no_timer_check';

/**
 * GRUB's configuration on the ISO. The menu entry's title must not contain the guest's banner: GRUB prints
 * "Booting `<title>'" on the serial port, and a boot check looking for the banner would take that for the guest.
 */
export const GRUB_CONFIG = `# Made by QMP Deck's demo guest build: boot the one entry at once, no menu.
set timeout=0
set timeout_style=hidden
if [ "$grub_platform" = "pc" ]; then
  # SeaBIOS keeps its console on VGA; GRUB copies its own to the serial port, so an error there shows on ttyS0.
  # (OVMF already mirrors the UEFI console to the serial port: doing this there too would print everything twice.)
  serial --unit=0 --speed=115200
  terminal_input serial console
  terminal_output serial console
fi
if [ "$grub_platform" = "efi" ]; then
  # The UEFI framebuffer, handed to the kernel (efifb), is the VGA console's only display under UEFI.
  insmod all_video
  set gfxpayload=keep
fi
menuentry "demo-guest" {
  linux /boot/vmlinuz ${ISO_KERNEL_ARGS}
  initrd /boot/initrd.img
}
`;

function onPath(tool: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, tool)));
}

async function installedVersion(name: string): Promise<string | null> {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own ${field} syntax, not a template.
  const format = '${Status}\t${Version}';
  const result = await runAllowingFailure(['dpkg-query', '-W', '-f', format, name]);
  const [status, version] = result.stdout.toString('utf8').split('\t');
  return result.code === 0 && status === 'install ok installed' && version ? version : null;
}

/**
 * The versions of the ISO's tools, or a reason why no ISO can be made here (a missing package or program). The
 * reason is a `GuestBuildUnavailable`: the guest still builds, only without an ISO.
 */
export async function isoToolVersions(): Promise<Record<string, string> | GuestBuildUnavailable> {
  if (!onPath('dpkg-query')) return new GuestBuildUnavailable('dpkg-query not found');
  const versions: Record<string, string> = {};
  const missing: string[] = [];
  for (const name of ISO_TOOL_PACKAGES) {
    const version = await installedVersion(name);
    if (version === null) missing.push(name);
    else versions[name] = version;
  }
  const absent = [
    ...TOOLS.filter((tool) => !onPath(tool)),
    ...GRUB_PLATFORM_DIRS.filter((dir) => !existsSync(dir)),
  ];
  if (missing.length > 0 || absent.length > 0) {
    const what = missing.length > 0 ? `the packages ${missing.join(', ')}` : absent.join(', ');
    return new GuestBuildUnavailable(`${what} missing (scripts/setup.sh installs the ISO's tools)`);
  }
  return versions;
}

/** Makes the ISO at `output` from `kernel` and `initrd`, laying its tree out under `scratch`. */
export async function makeIso(
  kernel: string,
  initrd: string,
  scratch: string,
  output: string,
): Promise<void> {
  const tree = join(scratch, 'iso-tree');
  await mkdir(join(tree, 'boot/grub'), { recursive: true });
  await copyFile(kernel, join(tree, 'boot/vmlinuz'));
  await copyFile(initrd, join(tree, 'boot/initrd.img'));
  await writeFile(join(tree, 'boot/grub/grub.cfg'), GRUB_CONFIG);
  // No translations, fonts or themes: the menu is never shown, and they would only make the image bigger.
  const argv = ['grub-mkrescue', '--locales=', '--fonts=', '--themes=', '-o', output, tree];
  const result = await runAllowingFailure(argv);
  // grub-mkrescue reports through xorriso on stderr even when it succeeds; only the exit code and the file count.
  if (result.code !== 0 || !existsSync(output)) {
    const reason = result.stderr.trim().split('\n').slice(-3).join(' / ');
    throw new Error(`grub-mkrescue failed (exit ${result.code}): ${reason}`);
  }
}
