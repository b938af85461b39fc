/**
 * Where the built guest lives and how the build knows it is current: a manifest beside the kernel and initramfs
 * records the inputs (package versions, a hash of the build's own sources); a mismatch means rebuild.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The kernel as Debian ships it (a compressed bzImage); the ISO boots this one. */
export const KERNEL_FILE = 'vmlinuz';
/** The same kernel unpacked, for `-kernel` by PVH (see pvh-kernel.ts); absent where it could not be made. */
export const PVH_KERNEL_FILE = 'vmlinux';
export const INITRD_FILE = 'initrd.img';
export const ISO_FILE = 'demo-guest.iso';
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
  /**
   * Versions of the host's tools that made the ISO (grub, xorriso, mtools), or null when some are missing and no
   * ISO was made; installing them later changes the inputs, so the next build makes the ISO.
   */
  isoTools: Record<string, string> | null;
}

export interface Manifest {
  inputs: BuildInputs;
  kernelRelease: string;
  /** The file `-kernel` boots: PVH_KERNEL_FILE, or KERNEL_FILE where no PVH kernel could be made. */
  kernelFile: string;
  builtAt: string;
  /** What booted this guest on this machine, in `-accel` order (e.g. ['kvm', 'tcg'] or ['tcg']). */
  accelerators: string[];
}

/** A manifest as stored: those written before the PVH kernel and the ISO lack kernelFile and isoTools. */
type StoredManifest = Omit<Manifest, 'kernelFile' | 'inputs'> & {
  kernelFile?: string;
  inputs: Omit<BuildInputs, 'isoTools'> & { isoTools?: Record<string, string> | null };
};

// Checked by hand rather than with zod: the build runs before `pnpm install` has given demo/ any dependencies.
function isStoredManifest(value: unknown): value is StoredManifest {
  if (typeof value !== 'object' || value === null) return false;
  const { inputs, kernelRelease, kernelFile, builtAt, accelerators } = value as Record<string, unknown>;
  if (typeof kernelRelease !== 'string' || typeof builtAt !== 'string') return false;
  if (kernelFile !== undefined && kernelFile !== KERNEL_FILE && kernelFile !== PVH_KERNEL_FILE) return false;
  if (!Array.isArray(accelerators) || !accelerators.every((name) => typeof name === 'string')) return false;
  if (typeof inputs !== 'object' || inputs === null) return false;
  const { packages, sourcesHash, isoTools } = inputs as Record<string, unknown>;
  if (typeof sourcesHash !== 'string') return false;
  // A manifest from before the ISO has no isoTools: still a guest that boots, only without an ISO.
  return isVersions(packages) && (isoTools === undefined || isoTools === null || isVersions(isoTools));
}

function isVersions(value: unknown): value is Record<string, string> {
  if (typeof value !== 'object' || value === null) return false;
  return Object.values(value).every((version) => typeof version === 'string');
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
  if (!isStoredManifest(value)) return null;
  const { packages, sourcesHash, isoTools } = value.inputs;
  // Manifests from before the PVH kernel and the ISO lack these: a bzImage and no ISO is what they had.
  return {
    ...value,
    kernelFile: value.kernelFile ?? KERNEL_FILE,
    inputs: { packages, sourcesHash, isoTools: isoTools ?? null },
  };
}

export function sameInputs(a: BuildInputs, b: BuildInputs): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * True when a cached guest lacks only the ISO, whose tools have been installed since: the kernel and initramfs
 * inputs are the same, so the build makes just the ISO.
 */
export function onlyIsoMissing(existing: BuildInputs, now: BuildInputs): boolean {
  return (
    existing.isoTools === null &&
    now.isoTools !== null &&
    sameInputs({ ...existing, isoTools: null }, { ...now, isoTools: null })
  );
}

export interface DemoGuest {
  /** What `-kernel` boots: the unpacked PVH kernel when there is one (much faster under TCG), else the bzImage. */
  kernel: string;
  initrd: string;
  /**
   * A bootable ISO of the same kernel and initramfs (BIOS and UEFI, as a CD-ROM), or null where the host lacked
   * the tools to make it.
   */
  iso: string | null;
  /** Accelerators that booted it here, in `-accel` order; see {@link accelArgs}. */
  accelerators: string[];
}

/** `-accel kvm -accel tcg` (or just `-accel tcg` where KVM is present but cannot run this guest). */
export function accelArgs(guest: DemoGuest): string[] {
  return guest.accelerators.flatMap((name) => ['-accel', name]);
}

/** The built demo guest, or null when it has not been built (the demo then runs VMs without an OS). */
export function findDemoGuest(dir: string = demoGuestCacheDir()): DemoGuest | null {
  const manifest = readManifest(dir);
  if (manifest === null) return null;
  const kernel = join(dir, manifest.kernelFile);
  const initrd = join(dir, INITRD_FILE);
  if (!existsSync(kernel) || !existsSync(initrd)) return null;
  const iso = join(dir, ISO_FILE);
  const isoMade = manifest.inputs.isoTools !== null && existsSync(iso);
  return { kernel, initrd, iso: isoMade ? iso : null, accelerators: manifest.accelerators };
}
