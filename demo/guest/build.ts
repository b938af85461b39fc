/**
 * Builds the demo guest: Debian's kernel and a busybox initramfs with the QEMU guest agent, into a cache
 * directory that the demo config reads (see findDemoGuest). Reuses the cached image while its inputs are unchanged.
 *
 *   node --import tsx demo/guest/build.ts [--force]
 *
 * Exits 0 with one line when this machine cannot build it (no apt, no network): the demo then runs VMs without
 * an operating system.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
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
import { workingAccelerators } from './boot-check.ts';
import {
  type BuildInputs,
  demoGuestCacheDir,
  findDemoGuest,
  INITRD_FILE,
  KERNEL_FILE,
  MANIFEST_FILE,
  type Manifest,
  readManifest,
  sameInputs,
} from './cache.ts';
import { guestFiles, WANTED_MODULES } from './guest-files.ts';
import { layOutRootfs, packInitramfs } from './initramfs.ts';
import { moduleRelativePath, modulesInLoadOrder } from './kernel-modules.ts';
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

async function resolveInputs(log: Log): Promise<{ inputs: BuildInputs; kernelPackage: string }> {
  await ensurePackageLists(KERNEL_META_PACKAGE, log);
  const kernelPackage = (await directDependencies(KERNEL_META_PACKAGE)).find((name) =>
    name.startsWith('linux-image-'),
  );
  if (kernelPackage === undefined) throw new GuestBuildUnavailable(`${KERNEL_META_PACKAGE} names no kernel`);
  const packages: Record<string, string> = {};
  for (const name of [kernelPackage, BUSYBOX_PACKAGE, AGENT_PACKAGE])
    packages[name] = await requiredVersion(name);
  return { inputs: { packages, sourcesHash: await sourcesHash() }, kernelPackage };
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

async function acceleratorsFor(kernel: string, initrd: string, log: Log): Promise<string[]> {
  const accelerators = await workingAccelerators(kernel, initrd);
  if (accelerators === null) {
    log('qemu-system-x86_64 not found, so the guest was not test-booted; it will ask for KVM, then TCG');
    return ['kvm', 'tcg'];
  }
  if (accelerators.length === 0)
    throw new Error('the built guest did not boot to its banner under KVM or TCG');
  log(
    `boots under ${accelerators[0]}${accelerators[0] === 'tcg' && existsSync('/dev/kvm') ? ' (KVM is present but did not boot it)' : ''}`,
  );
  return accelerators;
}

async function buildInto(cacheDir: string, inputs: BuildInputs, log: Log): Promise<Manifest> {
  const scratch = await mkdtemp(join(tmpdir(), 'qmpdeck-guest-'));
  try {
    const root = join(scratch, 'packages');
    const specs = Object.entries(inputs.packages).map(([name, version]) => `${name}=${version}`);
    log(`downloading ${specs.join(' ')} to build into ${cacheDir}`);
    await fetchAndUnpack(specs, scratch, root);

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
    const initrd = await packInitramfs(tree, join(root, 'bin/busybox'));
    const kernel = join(root, 'boot', `vmlinuz-${kernelRelease}`);
    const initrdPath = join(scratch, INITRD_FILE);
    await writeFile(initrdPath, initrd);
    log(`initramfs ${(initrd.length / 1024 / 1024).toFixed(1)} MB; test-booting it`);
    const accelerators = await acceleratorsFor(kernel, initrdPath, log);

    await mkdir(cacheDir, { recursive: true });
    // Replace files by rename so a reader never sees half an image; the manifest goes last, as the seal.
    await rm(join(cacheDir, MANIFEST_FILE), { force: true });
    await copyFile(kernel, join(cacheDir, `${KERNEL_FILE}.new`));
    await rename(join(cacheDir, `${KERNEL_FILE}.new`), join(cacheDir, KERNEL_FILE));
    await copyFile(initrdPath, join(cacheDir, `${INITRD_FILE}.new`));
    await rename(join(cacheDir, `${INITRD_FILE}.new`), join(cacheDir, INITRD_FILE));
    const manifest: Manifest = { inputs, kernelRelease, builtAt: new Date().toISOString(), accelerators };
    await writeFile(join(cacheDir, `${MANIFEST_FILE}.new`), `${JSON.stringify(manifest, null, 2)}\n`);
    await rename(join(cacheDir, `${MANIFEST_FILE}.new`), join(cacheDir, MANIFEST_FILE));
    return manifest;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

export type BuildOutcome =
  | { status: 'built' | 'cached'; kernel: string; initrd: string }
  | { status: 'unavailable'; reason: string };

export async function buildDemoGuest(
  options: { cacheDir?: string; force?: boolean; log?: Log } = {},
): Promise<BuildOutcome> {
  const cacheDir = options.cacheDir ?? demoGuestCacheDir();
  const log = options.log ?? defaultLog;
  try {
    if (!aptAvailable()) throw new GuestBuildUnavailable('apt-get or dpkg-deb not found');
    const { inputs } = await resolveInputs(log);
    const existing = readManifest(cacheDir);
    const found = findDemoGuest(cacheDir);
    if (!options.force && found && existing && sameInputs(existing.inputs, inputs)) {
      log(`up to date in ${cacheDir}`);
      return { status: 'cached', ...found };
    }
    const started = Date.now();
    if (existing) log('inputs changed; rebuilding');
    await buildInto(cacheDir, inputs, log);
    log(`built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const built = findDemoGuest(cacheDir);
    if (built === null) throw new Error(`the build left no image in ${cacheDir}`);
    return { status: 'built', ...built };
  } catch (error) {
    if (!(error instanceof GuestBuildUnavailable)) throw error;
    // An older image still boots; only say the demo falls back when there is none.
    const stale = findDemoGuest(cacheDir);
    if (stale) {
      log(`cannot rebuild (${error.desc}); keeping the image in ${cacheDir}`);
      return { status: 'cached', ...stale };
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
