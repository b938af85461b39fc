/**
 * Where `promtool` (Prometheus's own checker, for `promtool check metrics` in the tests) is found: the copy that
 * fetch.ts unpacked from Debian's prometheus package into a cache, else one on PATH (a host with Prometheus).
 */
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { readManifestFields, toolCacheDir } from '../tool-cache.ts';

export { MANIFEST_FILE } from '../tool-cache.ts';
export const PROMTOOL_FILE = 'promtool';
export const NOT_FETCHED_REASON =
  'promtool is not fetched (run: node --import tsx demo/promtool/fetch.ts) nor on PATH; its tests skipped';

/** `$QMPDECK_PROMTOOL_DIR`, else `$XDG_CACHE_HOME/qmpdeck/promtool`, else `~/.cache/qmpdeck/promtool`. */
export function promtoolCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return toolCacheDir('promtool', 'QMPDECK_PROMTOOL_DIR', env);
}

export interface PromtoolManifest {
  /** The Debian package it came from and its exact version. */
  package: string;
  version: string;
  fetchedAt: string;
}

export function readManifest(dir: string): PromtoolManifest | null {
  const fields = readManifestFields(dir);
  if (fields === null) return null;
  const { package: name, version, fetchedAt } = fields;
  if (typeof name !== 'string' || typeof version !== 'string' || typeof fetchedAt !== 'string') return null;
  return { package: name, version, fetchedAt };
}

/** The promtool to run: the fetched one when there is one, else `promtool` on PATH, else null. */
export function findPromtool(dir: string = promtoolCacheDir(), path = process.env.PATH ?? ''): string | null {
  const cached = join(dir, PROMTOOL_FILE);
  if (readManifest(dir) !== null && existsSync(cached)) return cached;
  for (const entry of path.split(delimiter)) {
    if (entry !== '' && existsSync(join(entry, PROMTOOL_FILE))) return join(entry, PROMTOOL_FILE);
  }
  return null;
}
