/**
 * Builds the demo guest: Debian's kernel and a busybox initramfs with the QEMU guest agent, and a bootable ISO of
 * the two, into a cache directory that the demo config reads (see findDemoGuest). Reuses the cached image while
 * its inputs are unchanged.
 *
 *   node --import tsx demo/guest/build.ts [--force]
 *
 * Exits 0 with one line when this machine cannot build it (no apt, no network): the demo then runs VMs without
 * an operating system.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  aptAvailable,
  candidateVersion,
  directDependencies,
  downloadPackages,
  ensurePackageLists,
  extractPackage,
  GuestBuildUnavailable,
} from './apt.ts';
import { type Accelerator, isoBoots, workingAccelerators } from './boot-check.ts';
import {
  type BuildInputs,
  type DemoGuest,
  demoGuestCacheDir,
  findDemoGuest,
  INITRD_FILE,
  ISO_FILE,
  KERNEL_FILE,
  MANIFEST_FILE,
  type Manifest,
  onlyIsoMissing,
  PVH_KERNEL_FILE,
  readManifest,
  sameInputs,
} from './cache.ts';
import { guestFiles, WANTED_MODULES } from './guest-files.ts';
import { layOutRootfs, packInitramfs } from './initramfs.ts';
import { isoToolVersions, makeIso } from './iso.ts';
import { moduleRelativePath, modulesInLoadOrder } from './kernel-modules.ts';
import { unpackForPvh } from './pvh-kernel.ts';
import { type SharedLibraries, sharedLibrariesOf } from './shared-libraries.ts';

export { accelArgs, type DemoGuest, demoGuestCacheDir, findDemoGuest } from './cache.ts';

// The generic flavour, not linux-image-cloud-amd64: the cloud kernel is built without AHCI (CONFIG_SATA_AHCI), so
// a VM with a SATA disk or a q35 CD-ROM would show no /dev/sda or /dev/sr0 in the guest.
const KERNEL_META_PACKAGE = 'linux-image-amd64';
const BUSYBOX_PACKAGE = 'busybox-static';
const AGENT_PACKAGE = 'qemu-guest-agent';
const HERE = dirname(fileURLToPath(import.meta.url));

type Log = (line: string) => void;
const defaultLog: Log = (line) => console.log(`demo guest: ${line}`);

/** sha256 over this directory's sources, so editing the build or a guest script rebuilds the image. */
async function sourcesHash(): Promise<string> {
  const hash = createHash('sha256');
  const names = (await readdir(HERE))
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))
    .sort();
  for (const name of names)
    hash
      .update(name)
      .update('\0')
      .update(await readFile(join(HERE, name)));
  return hash.digest('hex');
}

async function requiredVersion(name: string): Promise<string> {
  const version = await candidateVersion(name);
  if (version === null) throw new GuestBuildUnavailable(`apt offers no ${name}`);
  return version;
}

interface ResolvedInputs {
  inputs: BuildInputs;
  /** Why no ISO can be made here, when it cannot (inputs.isoTools is then null). */
  noIso: GuestBuildUnavailable | null;
}

async function resolveInputs(log: Log): Promise<ResolvedInputs> {
  await ensurePackageLists(KERNEL_META_PACKAGE, log);
  const kernelPackage = (await directDependencies(KERNEL_META_PACKAGE)).find((name) =>
    name.startsWith('linux-image-'),
  );
  if (kernelPackage === undefined) throw new GuestBuildUnavailable(`${KERNEL_META_PACKAGE} names no kernel`);
  const packages: Record<string, string> = {};
  for (const name of [kernelPackage, BUSYBOX_PACKAGE, AGENT_PACKAGE])
    packages[name] = await requiredVersion(name);
  const isoTools = await isoToolVersions();
  const hash = await sourcesHash();
  if (isoTools instanceof GuestBuildUnavailable) {
    return { inputs: { packages, sourcesHash: hash, isoTools: null }, noIso: isoTools };
  }
  return { inputs: { packages, sourcesHash: hash, isoTools }, noIso: null };
}

async function fetchAndUnpack(specs: readonly string[], scratch: string, into: string): Promise<void> {
  const debs = await mkdtemp(join(scratch, 'debs-'));
  for (const deb of await downloadPackages(specs, debs)) await extractPackage(deb, into);
}

/**
 * qemu-ga's libraries, from the host when it has them; otherwise from qemu-guest-agent's dependencies, fetched
 * and unpacked beside it (so the host never needs the agent installed). Returns host path -> guest path.
 */
async function agentLibraries(qemuGa: string, scratch: string, log: Log): Promise<Map<string, string>> {
  let libraries: SharedLibraries = await sharedLibrariesOf(qemuGa);
  let fallbackRoot: string | null = null;
  if (libraries.missing.length > 0) {
    log(`host lacks ${libraries.missing.join(', ')}; fetching ${AGENT_PACKAGE}'s dependencies`);
    fallbackRoot = join(scratch, 'libroot');
    const direct = await directDependencies(AGENT_PACKAGE);
    const indirect = (await Promise.all(direct.map(directDependencies))).flat();
    await fetchAndUnpack([...new Set([...direct, ...indirect])], scratch, fallbackRoot);
    const dirs = ['lib/x86_64-linux-gnu', 'usr/lib/x86_64-linux-gnu'].map((dir) =>
      join(fallbackRoot as string, dir),
    );
    libraries = await sharedLibrariesOf(qemuGa, dirs);
    if (libraries.missing.length > 0) {
      throw new GuestBuildUnavailable(`cannot find libraries for qemu-ga: ${libraries.missing.join(', ')}`);
    }
  }
  const guestPaths = new Map<string, string>();
  for (const path of libraries.found) {
    const inGuest =
      fallbackRoot !== null && path.startsWith(fallbackRoot) ? path.slice(fallbackRoot.length) : path;
    guestPaths.set(path, inGuest);
  }
  return guestPaths;
}

/** The accelerators that booted the guest, or null when QEMU is not installed and nothing could be tried. */
async function acceleratorsFor(kernel: string, initrd: string, log: Log): Promise<Accelerator[] | null> {
  const accelerators = await workingAccelerators(kernel, initrd);
  if (accelerators === null) {
    log('qemu-system-x86_64 not found, so the guest was not test-booted; it will ask for KVM, then TCG');
    return null;
  }
  if (accelerators.length === 0)
    throw new Error('the built guest did not boot to its banner under KVM or TCG');
  log(
    `boots under ${accelerators[0]}${accelerators[0] === 'tcg' && existsSync('/dev/kvm') ? ' (KVM is present but did not boot it)' : ''}`,
  );
  return accelerators;
}

/** Makes the ISO in `scratch` and boots it once under BIOS (when QEMU is here); returns its path. */
async function isoFrom(
  kernel: string,
  initrd: string,
  accelerators: Accelerator[] | null,
  scratch: string,
  log: Log,
): Promise<string> {
  const iso = join(scratch, ISO_FILE);
  await makeIso(kernel, initrd, scratch, iso);
  if (accelerators === null) return iso;
  log(`ISO ${((await stat(iso)).size / 1024 / 1024).toFixed(1)} MB; test-booting it from a CD-ROM (BIOS)`);
  // TCG last whatever booted the kernel: a nested KVM that runs the PVH kernel may still hang in the bzImage's
  // decompressor, which only the ISO uses. The check is about the image, so any accelerator that boots it will do.
  for (const accelerator of new Set<Accelerator>([...accelerators, 'tcg'])) {
    if (await isoBoots(iso, accelerator)) return iso;
    log(`the ISO did not boot under ${accelerator}`);
  }
  throw new Error('the ISO did not boot to the banner under BIOS');
}

/** Replaces `name` in `cacheDir` by a copy of `source`, by rename, so a reader never sees half a file. */
async function installFile(source: string, cacheDir: string, name: string): Promise<void> {
  await copyFile(source, join(cacheDir, `${name}.new`));
  await rename(join(cacheDir, `${name}.new`), join(cacheDir, name));
}

async function writeManifest(cacheDir: string, manifest: Manifest): Promise<void> {
  await writeFile(join(cacheDir, `${MANIFEST_FILE}.new`), `${JSON.stringify(manifest, null, 2)}\n`);
  await rename(join(cacheDir, `${MANIFEST_FILE}.new`), join(cacheDir, MANIFEST_FILE));
}

/** Lays out and packs the initramfs for the unpacked packages under `root`; returns its path and the release. */
async function initramfsFrom(
  root: string,
  scratch: string,
  log: Log,
): Promise<{ kernelRelease: string; initrd: string }> {
  const [kernelRelease] = await readdir(join(root, 'lib/modules'));
  if (kernelRelease === undefined) throw new Error('the kernel package has no lib/modules/<release>');
  const modulesDir = join(root, 'lib/modules', kernelRelease);
  const modules = await modulesInLoadOrder(modulesDir, WANTED_MODULES);
  log(`kernel ${kernelRelease}; modules in load order: ${modules.map((module) => module.name).join(' ')}`);

  const qemuGa = join(root, 'usr/sbin/qemu-ga');
  const libraries = await agentLibraries(qemuGa, scratch, log);
  log(`qemu-ga needs ${libraries.size} libraries`);

  const relativePaths = modules.map((module) => moduleRelativePath(modulesDir, module));
  const tree = join(scratch, 'rootfs');
  await layOutRootfs(tree, {
    busybox: join(root, 'bin/busybox'),
    qemuGa,
    libraries: [...libraries.values()],
    resolveLibrary: (guestPath) =>
      [...libraries].find(([, inGuest]) => inGuest === guestPath)?.[0] ?? guestPath,
    kernelRelease,
    modules: modules.map((module, index) => ({
      source: module.path,
      relativePath: relativePaths[index] ?? '',
    })),
    files: guestFiles(relativePaths),
  });
  log('packing the initramfs');
  const packed = await packInitramfs(tree, join(root, 'bin/busybox'));
  const initrd = join(scratch, INITRD_FILE);
  await writeFile(initrd, packed);
  log(`initramfs ${(packed.length / 1024 / 1024).toFixed(1)} MB`);
  return { kernelRelease, initrd };
}

/** The unpacked kernel for PVH boots, in `scratch`, or null (with a line saying why) where it cannot be made. */
async function pvhKernelFrom(bzImage: string, scratch: string, log: Log): Promise<string | null> {
  const output = join(scratch, PVH_KERNEL_FILE);
  const reason = await unpackForPvh(bzImage, output);
  if (reason === null) return output;
  log(`-kernel will boot the compressed bzImage (slower under TCG): ${reason.desc}`);
  return null;
}

interface BuiltFiles {
  kernel: string;
  pvhKernel: string | null;
  initrd: string;
  iso: string | null;
}

/** Moves the built files into the cache. The manifest goes first and comes back last, as the seal. */
async function installInto(cacheDir: string, files: BuiltFiles, manifest: Manifest): Promise<void> {
  await mkdir(cacheDir, { recursive: true });
  await rm(join(cacheDir, MANIFEST_FILE), { force: true });
  await installFile(files.kernel, cacheDir, KERNEL_FILE);
  await installFile(files.initrd, cacheDir, INITRD_FILE);
  for (const [source, name] of [
    [files.pvhKernel, PVH_KERNEL_FILE],
    [files.iso, ISO_FILE],
  ] as const) {
    if (source === null) await rm(join(cacheDir, name), { force: true });
    else await installFile(source, cacheDir, name);
  }
  await writeManifest(cacheDir, manifest);
}

async function buildInto(cacheDir: string, inputs: BuildInputs, log: Log): Promise<Manifest> {
  const scratch = await mkdtemp(join(tmpdir(), 'qmpdeck-guest-'));
  try {
    const root = join(scratch, 'packages');
    const specs = Object.entries(inputs.packages).map(([name, version]) => `${name}=${version}`);
    log(`downloading ${specs.join(' ')} to build into ${cacheDir}`);
    await fetchAndUnpack(specs, scratch, root);

    const { kernelRelease, initrd } = await initramfsFrom(root, scratch, log);
    const kernel = join(root, 'boot', `vmlinuz-${kernelRelease}`);
    const pvhKernel = await pvhKernelFrom(kernel, scratch, log);
    log(`test-booting it from ${pvhKernel === null ? 'the bzImage' : 'the unpacked kernel (PVH)'}`);
    const accelerators = await acceleratorsFor(pvhKernel ?? kernel, initrd, log);
    const iso = inputs.isoTools === null ? null : await isoFrom(kernel, initrd, accelerators, scratch, log);

    const manifest: Manifest = {
      inputs,
      kernelRelease,
      kernelFile: pvhKernel === null ? KERNEL_FILE : PVH_KERNEL_FILE,
      builtAt: new Date().toISOString(),
      accelerators: accelerators ?? ['kvm', 'tcg'],
    };
    await installInto(cacheDir, { kernel, pvhKernel, initrd, iso }, manifest);
    return manifest;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * Adds the ISO to a cached guest whose only changed input is the ISO's tools (installed since it was built): the
 * kernel and initramfs are the same, so there is nothing else to redo.
 */
async function addIsoTo(cacheDir: string, existing: Manifest, inputs: BuildInputs, log: Log): Promise<void> {
  const scratch = await mkdtemp(join(tmpdir(), 'qmpdeck-guest-iso-'));
  try {
    log('making the ISO for the cached kernel and initramfs');
    const accelerators = existing.accelerators.filter(
      (name): name is Accelerator => name === 'kvm' || name === 'tcg',
    );
    const iso = await isoFrom(
      join(cacheDir, KERNEL_FILE),
      join(cacheDir, INITRD_FILE),
      accelerators,
      scratch,
      log,
    );
    await installFile(iso, cacheDir, ISO_FILE);
    await writeManifest(cacheDir, { ...existing, inputs });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

export type BuildOutcome =
  | { status: 'built' | 'cached'; kernel: string; initrd: string; iso: string | null }
  | { status: 'unavailable'; reason: string };

function pathsOf(guest: DemoGuest): { kernel: string; initrd: string; iso: string | null } {
  return { kernel: guest.kernel, initrd: guest.initrd, iso: guest.iso };
}

export async function buildDemoGuest(
  options: { cacheDir?: string; force?: boolean; log?: Log } = {},
): Promise<BuildOutcome> {
  const cacheDir = options.cacheDir ?? demoGuestCacheDir();
  const log = options.log ?? defaultLog;
  try {
    if (!aptAvailable()) throw new GuestBuildUnavailable('apt-get or dpkg-deb not found');
    const { inputs, noIso } = await resolveInputs(log);
    const existing = readManifest(cacheDir);
    const found = findDemoGuest(cacheDir);
    if (!options.force && found && existing && sameInputs(existing.inputs, inputs)) {
      log(`up to date in ${cacheDir}${noIso === null ? '' : ` (without an ISO: ${noIso.desc})`}`);
      return { status: 'cached', ...pathsOf(found) };
    }
    if (noIso !== null) log(`building without an ISO: ${noIso.desc}`);
    const started = Date.now();
    if (!options.force && found && existing && onlyIsoMissing(existing.inputs, inputs)) {
      await addIsoTo(cacheDir, existing, inputs, log);
    } else {
      if (existing) log('inputs changed; rebuilding');
      await buildInto(cacheDir, inputs, log);
    }
    log(`built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const built = findDemoGuest(cacheDir);
    if (built === null) throw new Error(`the build left no image in ${cacheDir}`);
    return { status: 'built', ...pathsOf(built) };
  } catch (error) {
    if (!(error instanceof GuestBuildUnavailable)) throw error;
    // An older image still boots; only say the demo falls back when there is none.
    const stale = findDemoGuest(cacheDir);
    if (stale) {
      log(`cannot rebuild (${error.desc}); keeping the image in ${cacheDir}`);
      return { status: 'cached', ...pathsOf(stale) };
    }
    return { status: 'unavailable', reason: error.desc };
  }
}

async function main(): Promise<void> {
  const outcome = await buildDemoGuest({ force: process.argv.includes('--force') });
  if (outcome.status === 'unavailable') {
    defaultLog(`not built: ${outcome.reason}; the demo will run VMs without an operating system`);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    const desc = error instanceof Error ? error.message : String(error);
    console.error(`demo guest: build failed: ${desc}`);
    process.exitCode = 1;
  });
}
