/**
 * Where QEMU's Python QMP package and qmp-shell live once fetched (see fetch.ts), and how a test runs them:
 * `python3` with PYTHONPATH at the package, `python3 <qmpShell> <socket>`.
 */
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { readManifestFields, toolCacheDir } from '../tool-cache.ts';
import { QEMU_SOURCE } from './source.ts';

export { MANIFEST_FILE } from '../tool-cache.ts';
export const NOT_FETCHED_REASON =
  "QEMU's Python QMP tools are not fetched (run: node --import tsx demo/qemu-python/fetch.ts); their tests skipped";

/** `$QMPDECK_QEMU_PYTHON_DIR`, else `$XDG_CACHE_HOME/qmpdeck/qemu-python`, else `~/.cache/qmpdeck/qemu-python`. */
export function qemuPythonCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return toolCacheDir('qemu-python', 'QMPDECK_QEMU_PYTHON_DIR', env);
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
  const fields = readManifestFields(dir);
  if (fields === null) return null;
  const { url, sha256: found, fetchedAt } = fields;
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
