/**
 * Where the built guest lives and how the build knows it is current: a manifest beside the kernel and initramfs
 * records the inputs (package versions, a hash of the build's own sources); a mismatch means rebuild.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const KERNEL_FILE = 'vmlinuz';
export const INITRD_FILE = 'initrd.img';
export const MANIFEST_FILE = 'manifest.json';

/** `$QMPDECK_CACHE_DIR`, else `$XDG_CACHE_HOME/qmpdeck/demo-guest`, else `~/.cache/qmpdeck/demo-guest`. */
export function demoGuestCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.QMPDECK_CACHE_DIR) return env.QMPDECK_CACHE_DIR;
  const cacheHome = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cacheHome, 'qmpdeck', 'demo-guest');
}

export interface BuildInputs {
  /** Package name -> the exact version the image was built from. */
  packages: Record<string, string>;
  /** sha256 of the build's own sources (scripts and guest files). */
  sourcesHash: string;
}

export interface Manifest {
  inputs: BuildInputs;
  kernelRelease: string;
  builtAt: string;
  /** What booted this guest on this machine, in `-accel` order (e.g. ['kvm', 'tcg'] or ['tcg']). */
  accelerators: string[];
}

// Checked by hand rather than with zod: the build runs before `pnpm install` has given demo/ any dependencies.
function isManifest(value: unknown): value is Manifest {
  if (typeof value !== 'object' || value === null) return false;
  const { inputs, kernelRelease, builtAt, accelerators } = value as Record<string, unknown>;
  if (typeof kernelRelease !== 'string' || typeof builtAt !== 'string') return false;
  if (!Array.isArray(accelerators) || !accelerators.every((name) => typeof name === 'string')) return false;
  if (typeof inputs !== 'object' || inputs === null) return false;
  const { packages, sourcesHash } = inputs as Record<string, unknown>;
  if (typeof sourcesHash !== 'string' || typeof packages !== 'object' || packages === null) return false;
  return Object.values(packages).every((version) => typeof version === 'string');
}

/** The manifest in `dir`, or null when there is none or it is unreadable (then the guest is rebuilt). */
export function readManifest(dir: string): Manifest | null {
  const path = join(dir, MANIFEST_FILE);
  if (!existsSync(path)) return null;
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    // A torn or hand-edited manifest only means "not built": the next build overwrites it.
    return null;
  }
  return isManifest(value) ? value : null;
}

export function sameInputs(a: BuildInputs, b: BuildInputs): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export interface DemoGuest {
  kernel: string;
  initrd: string;
  /** Accelerators that booted it here, in `-accel` order; see {@link accelArgs}. */
  accelerators: string[];
}

/** `-accel kvm -accel tcg` (or just `-accel tcg` where KVM is present but cannot run this guest). */
export function accelArgs(guest: DemoGuest): string[] {
  return guest.accelerators.flatMap((name) => ['-accel', name]);
}

/** The built demo guest, or null when it has not been built (the demo then runs VMs without an OS). */
export function findDemoGuest(dir: string = demoGuestCacheDir()): DemoGuest | null {
  const kernel = join(dir, KERNEL_FILE);
  const initrd = join(dir, INITRD_FILE);
  const manifest = readManifest(dir);
  if (manifest === null || !existsSync(kernel) || !existsSync(initrd)) return null;
  return { kernel, initrd, accelerators: manifest.accelerators };
}
