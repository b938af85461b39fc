/**
 * Where the QMP proxy's sockets live, and who may reach them. Node cannot ask a unix socket who its peer is
 * (SO_PEERCRED), so the file system decides: the directory and each socket belong to the bridge's user, mode 0700
 * and 0600 (only that user connects), or with a configured group 0750 and 0660 (that group's members connect
 * too). A socket file left by a bridge that crashed is replaced; one a live process still serves is not.
 */
import { execFile } from 'node:child_process';
import { chmodSync, chownSync, lstatSync, mkdirSync, rmdirSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import { promisify } from 'node:util';

/** A unix socket path is at most 107 bytes on Linux (sun_path is 108 with its NUL). */
export const MAX_SOCKET_PATH_BYTES = 107;

export class ProxyDirError extends Error {
  override readonly name = 'ProxyDirError';
}

export interface ProxyDir {
  path: string;
  /** The group allowed to connect, or null for the bridge's user alone. */
  gid: number | null;
  /** Removed at stop when empty: a directory the bridge made for `qmpProxy.dir`. */
  removeAtStop: boolean;
}

/** A group name (looked up with `getent`, which sees NSS and LDAP groups too) or a gid, as a gid. */
export async function resolveGroup(group: string | number): Promise<number> {
  if (typeof group === 'number') return group;
  try {
    const { stdout } = await promisify(execFile)('getent', ['group', group]);
    const gid = Number(stdout.split(':')[2]);
    if (Number.isInteger(gid)) return gid;
  } catch {
    // getent exits 2 for an unknown group: said below, once.
  }
  throw new ProxyDirError(`qmpProxy.group: there is no group "${group}"`);
}

/**
 * Makes (or checks) the directory. One the bridge makes gets 0700, or 0750 in `gid`; an existing one must be a
 * real directory (not a link), and if it is the default one (the bridge's runtime directory), the bridge's own and
 * closed to others. Only a directory made here is removed at stop: the runtime directory stays, with the managed
 * QEMUs' sockets in it.
 */
export function prepareProxyDir(path: string, gid: number | null, isDefault: boolean): ProxyDir {
  const mode = gid === null ? 0o700 : 0o750;
  let created = false;
  try {
    mkdirSync(path, { mode, recursive: false });
    created = true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      mkdirSync(path, { mode, recursive: true });
      created = true;
    } else if (code !== 'EEXIST') {
      throw new ProxyDirError(
        `cannot create the QMP proxy directory ${path}: ${code ?? (err as Error).message}`,
      );
    }
  }
  const stat = lstatSync(path);
  if (!stat.isDirectory()) throw new ProxyDirError(`the QMP proxy directory ${path} is not a directory`);
  const uid = process.getuid?.();
  if ((created || isDefault) && uid !== undefined && stat.uid !== uid) {
    throw new ProxyDirError(
      `the QMP proxy directory ${path} belongs to uid ${stat.uid}, not to the bridge's user (${uid}); set qmpProxy.dir`,
    );
  }
  if (created || isDefault) {
    try {
      if (gid !== null) chownSync(path, -1, gid);
      chmodSync(path, mode);
    } catch (err) {
      throw new ProxyDirError(
        `cannot give the QMP proxy directory ${path} to group ${gid}: ${(err as NodeJS.ErrnoException).code ?? err}`,
      );
    }
  }
  return { path, gid, removeAtStop: created && !isDefault };
}

/** Removes the directory at stop if it is the bridge's and nothing else is left in it. */
export function releaseProxyDir(dir: ProxyDir): void {
  if (!dir.removeAtStop) return;
  try {
    rmdirSync(dir.path);
  } catch {
    // Not empty (someone put something there) or already gone: leave it.
  }
}

/**
 * Makes `path` free for a new socket: nothing there, or a socket nobody serves any more (a crash's leftover),
 * which is removed. Resolves with why not otherwise: another process serves it, or it is not a socket.
 */
export async function claimSocketPath(path: string): Promise<string | null> {
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH_BYTES) {
    return `the path is longer than a unix socket's ${MAX_SOCKET_PATH_BYTES} bytes; choose a shorter qmpProxy.dir`;
  }
  let isSocket: boolean;
  try {
    isSocket = lstatSync(path).isSocket();
  } catch {
    return null;
  }
  if (!isSocket) return 'a file that is not a socket is in the way';
  if (await someoneListens(path)) return 'another process serves a socket there';
  rmSync(path, { force: true });
  return null;
}

function someoneListens(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.connect({ path });
    const done = (live: boolean) => {
      probe.destroy();
      resolve(live);
    };
    probe.once('connect', () => done(true));
    probe.once('error', () => done(false));
    probe.setTimeout(1000, () => done(true));
  });
}

/** Only the bridge's user (0600), or also the group (0660). */
export function secureSocket(path: string, gid: number | null): void {
  if (gid !== null) chownSync(path, -1, gid);
  chmodSync(path, gid === null ? 0o600 : 0o660);
}

/** The socket's mode and group, for the VM object's tests and the docs' claims. */
export function socketAccess(path: string): { mode: number; gid: number } {
  const stat = statSync(path);
  return { mode: stat.mode & 0o777, gid: stat.gid };
}
