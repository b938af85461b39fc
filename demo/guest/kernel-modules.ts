/**
 * Which kernel modules the guest must load, and in what order. The kernel package ships no modules.dep (depmod
 * makes it at install time), so dependencies are read from each module's own `.modinfo` strings (`depends=a,b`).
 * Drivers built into the kernel (listed in modules.builtin) need no file and are skipped.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';

export interface KernelModule {
  name: string;
  /** Absolute path of the .ko file in the unpacked kernel package. */
  path: string;
}

/** Module names use `_` internally while some file names use `-` (virtio-rng.ko). */
function canonicalName(name: string): string {
  return name.replace(/-/g, '_');
}

async function listModuleFiles(dir: string): Promise<Map<string, string>> {
  const byName = new Map<string, string>();
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  for (const entry of entries) {
    if (!entry.isFile() || !entry.name.endsWith('.ko')) continue;
    byName.set(canonicalName(entry.name.slice(0, -'.ko'.length)), join(entry.parentPath, entry.name));
  }
  return byName;
}

async function builtinNames(modulesDir: string): Promise<Set<string>> {
  const text = await readFile(join(modulesDir, 'modules.builtin'), 'utf8').catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return '';
      throw error;
    },
  );
  const names = text
    .split('\n')
    .filter(Boolean)
    .map((line) => canonicalName((line.split('/').pop() ?? '').replace(/\.ko$/, '')));
  return new Set(names);
}

/** The `depends=` field of a module's .modinfo section (NUL-terminated strings in the ELF file). */
export function dependsOf(moduleBytes: Buffer): string[] {
  const marker = Buffer.from('\0depends=');
  const at = moduleBytes.indexOf(marker);
  if (at < 0) return [];
  const start = at + marker.length;
  const end = moduleBytes.indexOf(0, start);
  const field = moduleBytes.subarray(start, end < 0 ? undefined : end).toString('latin1');
  return field.split(',').filter(Boolean).map(canonicalName);
}

/**
 * The modules to load for `wanted`, dependencies first (a depth-first post-order). Wanted names that are built
 * in are dropped; a wanted name that is neither a module nor built in is an error, as is a missing dependency.
 */
export async function modulesInLoadOrder(
  modulesDir: string,
  wanted: readonly string[],
): Promise<KernelModule[]> {
  const files = await listModuleFiles(modulesDir);
  const builtin = await builtinNames(modulesDir);
  const ordered: KernelModule[] = [];
  const visited = new Set<string>();

  async function visit(name: string, neededBy: string | null): Promise<void> {
    if (visited.has(name)) return;
    visited.add(name);
    const path = files.get(name);
    if (path === undefined) {
      if (builtin.has(name)) return;
      const who = neededBy === null ? 'wanted' : `needed by ${neededBy}`;
      throw new Error(`kernel module ${name} (${who}) is neither in ${modulesDir} nor built in`);
    }
    for (const dependency of dependsOf(await readFile(path))) await visit(dependency, name);
    ordered.push({ name, path });
  }

  for (const name of wanted) await visit(canonicalName(name), null);
  return ordered;
}

/** Where a module sits below its kernel's modules directory (kept as is inside the guest). */
export function moduleRelativePath(modulesDir: string, module: KernelModule): string {
  return relative(modulesDir, module.path);
}
