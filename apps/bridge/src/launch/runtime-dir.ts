/**
 * Where a managed QEMU's sockets, pidfile and log live: `<root>/vms/<id>`, the same directory every time the
 * bridge starts, so a bridge that starts again finds the QEMUs an earlier one launched (their QMP socket, their
 * pidfile) and takes them back. The root is config `runtimeDir`, else `$RUNTIME_DIRECTORY` (systemd's, one path),
 * else `/run/qmpdeck` as root, else `$XDG_RUNTIME_DIR/qmpdeck`, else `/tmp/qmpdeck-<uid>`. Every directory is 0700 and must be a real directory of this user:
 * no other local user can reach a QMP socket inside, nor swap a directory for a symlink to elsewhere.
 */
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';

export function defaultRuntimeRoot(
  env: NodeJS.ProcessEnv = process.env,
  uid: number = process.getuid?.() ?? -1,
): string {
  // systemd's RuntimeDirectory= hands the service its directory here; it also lets two bridges on one host (the
  // end-to-end tests' `pnpm start`s) keep apart without a config of their own.
  const given = env.RUNTIME_DIRECTORY;
  if (given && isAbsolute(given) && !given.includes(':')) return given;
  if (uid === 0) return '/run/qmpdeck';
  const xdg = env.XDG_RUNTIME_DIR;
  if (xdg && existsSync(xdg)) return join(xdg, 'qmpdeck');
  return join(tmpdir(), `qmpdeck-${uid}`);
}

/** `<root>/vms/<id>`, made (0700) where missing; refused when any part is not a private directory of ours. */
export function vmRuntimeDir(root: string, vmId: string): string {
  const vms = join(root, 'vms');
  const dir = join(vms, vmId);
  for (const path of [root, vms, dir]) privateDir(path);
  return dir;
}

/** A private temporary directory under the root, for files QEMU writes for the bridge (screenshots). */
export function createRuntimeDir(name: string, root: string = defaultRuntimeRoot()): string {
  privateDir(root);
  return mkdtempSync(join(root, `qmpdeck-${name.slice(0, 32)}-`));
}

export function removeRuntimeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export function privateDir(path: string): void {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  const stat = lstatSync(path);
  if (!stat.isDirectory()) throw new Error(`${path} is not a directory (a symlink?); refusing to use it`);
  const uid = process.getuid?.();
  if (uid !== undefined && stat.uid !== uid) {
    throw new Error(
      `${path} belongs to uid ${stat.uid}, not to the bridge's user (${uid}); refusing to use it`,
    );
  }
  // mkdir's mode is cut by the umask, and a directory made earlier may be looser.
  if ((stat.mode & 0o077) !== 0) chmodSync(path, 0o700);
}
