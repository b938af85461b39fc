/**
 * Which host process is a VM's QEMU, found from the vCPU thread ids `query-cpus-fast` reports: `/proc/<tid>/status`
 * says the thread's group (`Tgid`), which is QEMU's pid. A QEMU on another host (QMP over TCP) reports thread ids
 * that mean nothing here, and one in another PID namespace (a container) ids of that namespace; so the answer is
 * trusted only when every vCPU thread is in the same process, that process is a QEMU (its argv0 names `qemu` or
 * `kvm`), and, for a VM the bridge launched, it is the process the bridge started.
 */
import { basename } from 'node:path';
import { parseArgv0, readProcFile, readStatus } from './proc-files.ts';

export type ProcessLookup = { found: true; pid: number } | { found: false; why: string };

/** The pid of the QEMU whose vCPUs run on `threadIds`, or why it is not a process of this host. */
export async function findQemuProcess(
  threadIds: readonly number[],
  launchedPid: number | null,
): Promise<ProcessLookup> {
  if (threadIds.length === 0) return { found: false, why: 'QEMU reports no vCPU thread ids' };
  let pid: number | null = null;
  for (const tid of threadIds) {
    const status = await readStatus(tid);
    if (status?.tgid == null) return { found: false, why: `thread ${tid} is not on this host` };
    if (pid !== null && status.tgid !== pid)
      return { found: false, why: 'the vCPU threads belong to different processes here' };
    pid = status.tgid;
  }
  const found = pid as number;
  if (launchedPid !== null && found !== launchedPid)
    return {
      found: false,
      why: `the vCPU threads are in process ${found}, not the QEMU launched (${launchedPid})`,
    };
  const cmdline = await readProcFile(`/proc/${found}/cmdline`);
  if (cmdline === null) return { found: false, why: `process ${found} is gone` };
  if (!isQemuProgram(parseArgv0(cmdline)))
    return { found: false, why: `process ${found} is not a QEMU here (${parseArgv0(cmdline) || 'no argv'})` };
  return { found: true, pid: found };
}

/** `qemu-system-x86_64`, `/usr/libexec/qemu-kvm`, Proxmox's `/usr/bin/kvm`. */
export function isQemuProgram(argv0: string): boolean {
  const name = basename(argv0);
  return name.includes('qemu') || name === 'kvm';
}
