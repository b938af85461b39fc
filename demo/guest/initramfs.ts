/**
 * Lays out the guest's root filesystem in a scratch directory and packs it the way the kernel wants an initramfs:
 * a newc cpio archive (made by busybox's own cpio), gzip-compressed.
 */
import { chmod, copyFile, mkdir, readdir, realpath, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { GuestFile } from './guest-files.ts';
import { run } from './run-command.ts';

export interface RootfsInputs {
  /** The static busybox binary (also used here on the host to make the archive). */
  busybox: string;
  qemuGa: string;
  /** Absolute library paths from ldd, each resolved to a readable file by `resolveLibrary`. */
  libraries: readonly string[];
  resolveLibrary: (path: string) => string;
  kernelRelease: string;
  /** Module files and where each goes below /lib/modules/<release>/. */
  modules: readonly { source: string; relativePath: string }[];
  files: readonly GuestFile[];
}

const EMPTY_DIRS = ['proc', 'sys', 'dev', 'run', 'tmp', 'root', 'var/log', 'usr/bin', 'usr/sbin', 'sbin'];

async function copyInto(tree: string, guestPath: string, source: string, mode?: number): Promise<void> {
  const target = join(tree, guestPath);
  await mkdir(dirname(target), { recursive: true });
  await copyFile(await realpath(source), target);
  if (mode !== undefined) await chmod(target, mode);
}

/** One symlink per busybox applet (`bin/sh`, `sbin/init`, `usr/bin/awk`, ...), unless a real file is there. */
async function linkApplets(tree: string, busybox: string): Promise<void> {
  const { stdout } = await run([busybox, '--list-full']);
  for (const applet of stdout.toString('utf8').split('\n').filter(Boolean)) {
    if (applet === 'bin/busybox') continue;
    const target = join(tree, applet);
    await mkdir(dirname(target), { recursive: true });
    await symlink('/bin/busybox', target).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
  }
}

export async function layOutRootfs(tree: string, inputs: RootfsInputs): Promise<void> {
  for (const dir of EMPTY_DIRS) await mkdir(join(tree, dir), { recursive: true });
  await copyInto(tree, 'bin/busybox', inputs.busybox, 0o755);
  await copyInto(tree, 'usr/sbin/qemu-ga', inputs.qemuGa, 0o755);
  for (const library of inputs.libraries) await copyInto(tree, library, inputs.resolveLibrary(library));
  for (const module of inputs.modules) {
    await copyInto(tree, join('lib/modules', inputs.kernelRelease, module.relativePath), module.source);
  }
  // Files written before the applet links, so /sbin/shutdown and friends win over any applet of that name.
  for (const file of inputs.files) {
    const target = join(tree, file.path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, file.content, { mode: file.mode });
    await chmod(target, file.mode);
  }
  await linkApplets(tree, inputs.busybox);
}

async function listEntries(tree: string): Promise<string[]> {
  const entries = await readdir(tree, { withFileTypes: true, recursive: true });
  return entries.map((entry) => relative(tree, join(entry.parentPath, entry.name))).sort();
}

/** Packs `tree` as a gzip-compressed newc cpio archive. */
export async function packInitramfs(tree: string, busybox: string): Promise<Buffer> {
  const list = await listEntries(tree);
  const { stdout } = await run([busybox, 'cpio', '-o', '-H', 'newc'], {
    cwd: tree,
    input: `${list.join('\n')}\n`,
  });
  return gzipSync(stdout, { level: 9 });
}
