/**
 * Making a real QEMU hang on demand: SIGSTOP freezes the process, so its QMP
 * monitor stops answering exactly as a hung QEMU does (the socket stays open,
 * commands wait); SIGCONT lets it answer again. Always paired, so a test that
 * fails in between does not leave a frozen QEMU behind.
 */
import type { Vm } from '@qmpdeck/protocol';

export async function managedPid(bridgeUrl: string, vm: string): Promise<number> {
  const body = (await (await fetch(`${bridgeUrl}/api/vms/${vm}`)).json()) as Vm;
  const pid = body.process?.pid;
  if (!pid) throw new Error(`${vm} has no running QEMU process: ${JSON.stringify(body.process)}`);
  return pid;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

/** Freezes QEMU for the length of `during`, then lets it run again (unless it is gone by then). */
export async function whileFrozen<T>(pid: number, during: () => Promise<T>): Promise<T> {
  process.kill(pid, 'SIGSTOP');
  try {
    return await during();
  } finally {
    if (isAlive(pid)) process.kill(pid, 'SIGCONT');
  }
}
