/**
 * Where QEMU's Python QMP package and qmp-shell live once fetched (see fetch.ts), and how a test runs them:
 * `python3` with PYTHONPATH at the package, `python3 <qmpShell> <socket>`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { QEMU_SOURCE } from './source.ts';

export const MANIFEST_FILE = 'manifest.json';
export const NOT_FETCHED_REASON =
  "QEMU's Python QMP tools are not fetched (run: node --import tsx demo/qemu-python/fetch.ts); their tests skipped";

/** `$QMPDECK_QEMU_PYTHON_DIR`, else `$XDG_CACHE_HOME/qmpdeck/qemu-python`, else `~/.cache/qmpdeck/qemu-python`. */
export function qemuPythonCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.QMPDECK_QEMU_PYTHON_DIR) return env.QMPDECK_QEMU_PYTHON_DIR;
  const cacheHome = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cacheHome, 'qmpdeck', 'qemu-python');
}

export interface QemuPython {
  /** The directory to put on PYTHONPATH so that `import qemu.qmp` works. */
  pythonPath: string;
  /** QEMU's scripts/qmp/qmp-shell; run it as `python3 <qmpShell> [-p] <socket>`. */
  qmpShell: string;
}

export interface QemuPythonManifest {
  url: string;
  sha256: string;
  fetchedAt: string;
}

/** The manifest in `dir`, or null when there is none, it is unreadable, or it is from another tarball. */
export function readManifest(dir: string, sha256: string = QEMU_SOURCE.sha256): QemuPythonManifest | null {
  const path = join(dir, MANIFEST_FILE);
  if (!existsSync(path)) return null;
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    // A torn manifest only means "not fetched": the next setup fetches again.
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { url, sha256: found, fetchedAt } = value as Record<string, unknown>;
  if (typeof url !== 'string' || typeof fetchedAt !== 'string' || found !== sha256) return null;
  return { url, sha256: found, fetchedAt };
}

/** QEMU's Python QMP package and qmp-shell, or null until `fetch.ts` has put them in `dir`. */
export function findQemuPython(dir: string = qemuPythonCacheDir()): QemuPython | null {
  const pythonPath = join(dir, 'python');
  const qmpShell = join(dir, 'scripts', 'qmp', 'qmp-shell');
  if (readManifest(dir) === null) return null;
  if (!existsSync(join(pythonPath, 'qemu', 'qmp', '__init__.py')) || !existsSync(qmpShell)) return null;
  return { pythonPath, qmpShell };
}

/** `base` with the package first on PYTHONPATH. */
export function qemuPythonEnv(found: QemuPython, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const rest = base.PYTHONPATH ? `${delimiter}${base.PYTHONPATH}` : '';
  return { ...base, PYTHONPATH: `${found.pythonPath}${rest}` };
}
