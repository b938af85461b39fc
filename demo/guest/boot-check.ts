/**
 * Boots the freshly built guest once to learn which accelerator works here. A /dev/kvm that opens is not proof:
 * on some nested hosts KVM accepts the VM and then never gets the kernel past its decompressor. So the build boots
 * the guest under KVM (when /dev/kvm exists), waits for its banner on the serial port, and falls back to TCG.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

export const BANNER_MARK = 'QMP Deck demo guest';
const QEMU = 'qemu-system-x86_64';
/** Under TCG the banner shows ~2 s after start on a busy 2-core box; a KVM slower than this is no use. */
const BOOT_TIMEOUT_MS = 12_000;
/** Through SeaBIOS and GRUB, which read the kernel off the CD, the ISO takes ~8 s under TCG. */
const ISO_BOOT_TIMEOUT_MS = 60_000;

export type Accelerator = 'kvm' | 'tcg';

function kvmDeviceUsable(): boolean {
  try {
    accessSync('/dev/kvm', constants.R_OK | constants.W_OK);
    return true;
  } catch {
    // No KVM device (or no permission): TCG is the only choice, nothing to report.
    return false;
  }
}

async function qemuInstalled(): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(QEMU, ['--version'], { stdio: 'ignore' });
    child.on('error', () => resolve(false));
    child.on('exit', (code) => resolve(code === 0));
  });
}

/** How the guest is booted: straight from its kernel and initramfs, or from the ISO as a CD-ROM. */
export function kernelMedia(kernel: string, initrd: string): string[] {
  return ['-kernel', kernel, '-initrd', initrd, '-append', 'console=ttyS0 quiet'];
}

export function isoMedia(iso: string): string[] {
  return ['-cdrom', iso];
}

/** Resolves true when the guest prints its banner on the serial port in time. */
export function bootsWith(
  accelerator: Accelerator,
  media: readonly string[],
  timeoutMs = BOOT_TIMEOUT_MS,
): Promise<boolean> {
  const argv = [
    '-M',
    'pc',
    '-m',
    '128',
    '-nodefaults',
    '-display',
    'none',
    '-accel',
    accelerator,
    '-no-reboot',
    ...media,
    '-serial',
    'stdio',
  ];
  return new Promise((resolve) => {
    const child = spawn(QEMU, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let settled = false;
    const finish = (booted: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      resolve(booted);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes(BANNER_MARK)) finish(true);
    });
    child.stderr.resume();
    child.on('error', () => finish(false));
    child.on('exit', () => finish(false));
  });
}

/**
 * The accelerators to pass (`-accel X` each, in order) for this guest on this machine; [] when it boots under
 * none (a broken image); null when QEMU is not installed, so nothing could be tried.
 */
export async function workingAccelerators(kernel: string, initrd: string): Promise<Accelerator[] | null> {
  if (!(await qemuInstalled())) return null;
  const media = kernelMedia(kernel, initrd);
  if (kvmDeviceUsable() && (await bootsWith('kvm', media))) return ['kvm', 'tcg'];
  return (await bootsWith('tcg', media)) ? ['tcg'] : [];
}

/** Whether the ISO boots to the banner under BIOS, with the accelerator that booted the kernel. */
export async function isoBoots(iso: string, accelerator: Accelerator): Promise<boolean> {
  return bootsWith(accelerator, isoMedia(iso), ISO_BOOT_TIMEOUT_MS);
}
