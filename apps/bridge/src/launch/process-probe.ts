/**
 * Is a QEMU launched by an earlier bridge still there? Its pidfile names a pid; `/proc/<pid>` says whether that
 * process lives (a zombie does not: nobody may reap a QEMU whose parent bridge is gone), and its command line must
 * name our QMP socket, so a pid reused by another program is never taken for the VM.
 */
import { readFileSync } from 'node:fs';

export function readPidfile(path: string): number | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const pid = Number(text.trim());
  return Number.isSafeInteger(pid) && pid > 1 ? pid : null;
}

/** True while the process exists and has not exited (a zombie or a dead task counts as gone). */
export function isAlive(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return false;
  }
  // "pid (comm) S ...": the state follows the last ")", since comm may hold spaces and parentheses.
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state !== 'Z' && state !== 'X' && state !== 'x';
}

export function commandLineOf(pid: number): string[] | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8')
      .split('\0')
      .filter((arg) => arg !== '');
  } catch {
    return null;
  }
}

/** The pid of the QEMU serving QMP on `socketPath` per the pidfile, when it still runs; else null. */
export function findRunningQemu(pidfile: string, socketPath: string): number | null {
  const pid = readPidfile(pidfile);
  if (pid === null || !isAlive(pid)) return null;
  const argv = commandLineOf(pid);
  return argv?.some((arg) => arg.startsWith(`unix:${socketPath},`)) ? pid : null;
}

/** Polls `/proc` until the process is gone or `ms` have passed; true when it is gone. */
export async function goneWithin(pid: number, ms: number, everyMs = 50): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (!isAlive(pid)) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
