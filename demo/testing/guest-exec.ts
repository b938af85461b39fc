/**
 * Runs a program inside the guest through the agent's `guest-exec` (argv, no shell) and waits for it to end, so a
 * test can look at the guest from inside: its block devices, its modules, a `dd` onto a disk.
 */
import type { GuestAgentClient } from '../../packages/qmp/src/index.ts';

export interface GuestExecResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

interface ExecStatus {
  exited: boolean;
  exitcode?: number;
  signal?: number;
  'out-data'?: string;
  'err-data'?: string;
}

const decode = (base64: string | undefined) => Buffer.from(base64 ?? '', 'base64').toString('utf8');
/** Per agent call: a TCG guest on a busy 2-core host can take seconds to answer. */
const CALL_TIMEOUT_MS = 10_000;

export async function guestExec(
  agent: GuestAgentClient,
  argv: readonly string[],
  timeoutMs = 30_000,
): Promise<GuestExecResult> {
  const [path, ...args] = argv;
  if (path === undefined) throw new Error('guestExec: empty argv');
  const request = { path, arg: args, 'capture-output': true };
  const { pid } = (await agent.execute('guest-exec', request, { timeoutMs: CALL_TIMEOUT_MS })) as {
    pid: number;
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = (await agent.execute(
      'guest-exec-status',
      { pid },
      { timeoutMs: CALL_TIMEOUT_MS },
    )) as ExecStatus;
    if (status.exited) {
      return {
        exitCode: status.exitcode ?? null,
        stdout: decode(status['out-data']),
        stderr: decode(status['err-data']),
      };
    }
    if (Date.now() > deadline)
      throw new Error(`${argv.join(' ')} still running in the guest after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
