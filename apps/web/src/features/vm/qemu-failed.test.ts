/** QEMU's own failures (its exit code, a crash) are errors; a kill, a quit or the guest's poweroff are not. */
import type { Vm } from '@qmpdeck/protocol';
import { describe, expect, it } from 'vitest';
import { qemuFailed } from './qemu-failed.ts';

type Process = NonNullable<Vm['process']>;
const exited = (change: Partial<Process>): Pick<Vm, 'process'> => ({
  process: { state: 'exited', pid: null, exitCode: null, signal: null, ...change },
});

describe('qemuFailed', () => {
  it('is true when QEMU refused to start or crashed', () => {
    expect(qemuFailed(exited({ exitCode: 1 }))).toBe(true);
    expect(qemuFailed(exited({ signal: 'SIGABRT' }))).toBe(true);
    expect(qemuFailed(exited({ signal: 'SIGSEGV' }))).toBe(true);
    expect(qemuFailed({ process: { state: 'failed', pid: null, exitCode: null, signal: null } })).toBe(true);
  });

  it('is false when QEMU was ended or ended cleanly, or still runs', () => {
    expect(qemuFailed(exited({ signal: 'SIGKILL' }))).toBe(false);
    expect(qemuFailed(exited({ signal: 'SIGTERM' }))).toBe(false);
    expect(qemuFailed(exited({ exitCode: 0 }))).toBe(false);
    expect(qemuFailed({ process: { state: 'running', pid: 42, exitCode: null, signal: null } })).toBe(false);
    expect(qemuFailed({ process: null })).toBe(false);
    expect(qemuFailed({})).toBe(false);
  });
});
