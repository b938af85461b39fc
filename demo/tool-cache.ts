/**
 * Where setup's fetched tools live (promtool, QEMU's Python QMP client) and how their manifests are read: one place,
 * so the tools agree on `$XDG_CACHE_HOME/qmpdeck/<name>` and on what a torn manifest means.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const MANIFEST_FILE = 'manifest.json';

/** `env[override]` when set, else `$XDG_CACHE_HOME/qmpdeck/<name>`, else `~/.cache/qmpdeck/<name>`. */
export function toolCacheDir(name: string, override: string, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = env[override];
  if (chosen) return chosen;
  const cacheHome = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cacheHome, 'qmpdeck', name);
}

/** The manifest's fields, or null when there is none or it is not a JSON object. */
export function readManifestFields(dir: string): Record<string, unknown> | null {
  const path = join(dir, MANIFEST_FILE);
  if (!existsSync(path)) return null;
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    // A torn manifest only means "not fetched": the next setup fetches again.
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  return value as Record<string, unknown>;
}
