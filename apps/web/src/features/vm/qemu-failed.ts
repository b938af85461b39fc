/**
 * Whether QEMU failed by itself: it could not start (a bad argument, a missing image, no KVM: its exit code),
 * or it crashed (an assertion's SIGABRT, a SIGSEGV). A kill or a clean exit is not a failure: a person or the
 * bridge ended it, or the guest powered off. Such a failure's message is QEMU's own words, shown as an error.
 */
import type { Vm } from '@qmpdeck/protocol';

/** The signals a process gets from its own fault, never from someone ending it. */
const CRASH_SIGNALS = new Set(['SIGABRT', 'SIGSEGV', 'SIGBUS', 'SIGILL', 'SIGFPE', 'SIGTRAP', 'SIGSYS']);

export function qemuFailed(vm: Pick<Vm, 'process'>): boolean {
  const process = vm.process;
  if (!process) return false;
  if (process.state === 'failed') return true;
  if (process.signal !== null) return CRASH_SIGNALS.has(process.signal);
  return process.exitCode !== null && process.exitCode !== 0;
}
