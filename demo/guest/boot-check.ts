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

/** Resolves true when the guest prints its banner on the serial port in time. */
export function bootsWith(accelerator: Accelerator, kernel: string, initrd: string): Promise<boolean> {
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
    '-kernel',
    kernel,
    '-initrd',
    initrd,
    '-append',
    'console=ttyS0 quiet',
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
    const timer = setTimeout(() => finish(false), BOOT_TIMEOUT_MS);
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
  if (kvmDeviceUsable() && (await bootsWith('kvm', kernel, initrd))) return ['kvm', 'tcg'];
  return (await bootsWith('tcg', kernel, initrd)) ? ['tcg'] : [];
}
