/**
 * What the usage sampler reads from Linux's `/proc`: a thread's or a process's CPU time (`stat`) and a process's
 * id and resident memory (`status`). One `readFile` per file, no child process. The parsers are pure so they are
 * tested on real files' text.
 *
 * `/proc/<pid>/stat` of a process counts every thread it ever had; a thread's own time is in
 * `/proc/<pid>/task/<tid>/stat`. Times are in clock ticks of `USER_HZ`, which Linux fixes at 100 on
 * every architecture QEMU hosts run on (x86, arm64, ppc64, s390x); Node cannot ask `sysconf(_SC_CLK_TCK)`.
 */
import { readFile } from 'node:fs/promises';

export const CLOCK_TICKS_PER_SECOND = 100;

/** utime + stime of `/proc/<id>/stat`, in ticks; null when the text is not a stat line. */
export function parseCpuTicks(stat: string): number | null {
  // The command name (field 2) is in parentheses and may itself hold spaces and parentheses: split after the last.
  const end = stat.lastIndexOf(')');
  if (end < 0) return null;
  // After ")" come field 3 (state) onwards; utime and stime are fields 14 and 15.
  const fields = stat.slice(end + 2).split(' ');
  const utime = Number(fields[14 - 3]);
  const stime = Number(fields[15 - 3]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) return null;
  return utime + stime;
}

export interface ProcStatus {
  /** The thread group id: the process a thread belongs to. */
  tgid: number | null;
  /** Resident memory in bytes (`VmRSS`); null for a thread or a zombie, which have none. */
  rssBytes: number | null;
}

export function parseStatus(status: string): ProcStatus {
  return { tgid: numberField(status, 'Tgid'), rssBytes: kilobytesField(status, 'VmRSS') };
}

function numberField(text: string, name: string): number | null {
  const match = new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text);
  return match ? Number(match[1]) : null;
}

function kilobytesField(text: string, name: string): number | null {
  const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text);
  return match ? Number(match[1]) * 1024 : null;
}

/** The first word of `/proc/<pid>/cmdline` (NUL-separated argv). */
export function parseArgv0(cmdline: string): string {
  return cmdline.split('\0', 1)[0] ?? '';
}

/** Reads a small `/proc` file; null when it is gone (the thread or process ended, or is not on this host). */
export async function readProcFile(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'latin1');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ESRCH' || code === 'EACCES') return null;
    throw err;
  }
}

/** A whole process's CPU time (every thread it ever had). */
export async function readCpuTicks(pid: number): Promise<number | null> {
  const text = await readProcFile(`/proc/${pid}/stat`);
  return text === null ? null : parseCpuTicks(text);
}

/**
 * One thread's CPU time. Read under its process's `task/`: `/proc/<tid>/stat` of a process's main thread is the
 * whole process's (with `-accel tcg,thread=single` the vCPUs may run there).
 */
export async function readThreadTicks(pid: number, tid: number): Promise<number | null> {
  const text = await readProcFile(`/proc/${pid}/task/${tid}/stat`);
  return text === null ? null : parseCpuTicks(text);
}

export async function readStatus(id: number): Promise<ProcStatus | null> {
  const text = await readProcFile(`/proc/${id}/status`);
  return text === null ? null : parseStatus(text);
}
