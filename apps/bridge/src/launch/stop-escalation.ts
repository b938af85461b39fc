/**
 * Stopping a VM as a person would, harder at each step: the ACPI power button (the guest shuts down cleanly), then
 * after the timeout QEMU's `quit` (the guest is cut off, QEMU closes its files), then SIGKILL (QEMU itself hangs).
 * Each step taken past the first is said (`escalated`, a BRIDGE_STOP_ESCALATED event in the timeline). A guest
 * that is not running (paused, not started, already shut down) cannot act on the power button: its stop begins
 * with `quit`.
 */

export type StopStep = 'powerdown' | 'quit' | 'kill';

export interface StopSteps {
  /** Whether the guest runs, so the power button can reach it. */
  guestRunning: boolean;
  powerdown(): Promise<unknown>;
  quit(): Promise<unknown>;
  kill(): Promise<void>;
  /** Resolves true once QEMU has exited, false after `ms`. */
  exitedWithin(ms: number): Promise<boolean>;
  escalated(step: 'quit' | 'kill', afterMs: number, why: string): void;
}

export const DEFAULT_STOP_TIMEOUT_MS = 60_000;
/** `quit` ends QEMU in milliseconds; one that takes longer hangs. */
export const QUIT_GRACE_MS = 5000;

/** Runs the steps until QEMU is gone; resolves with the step that ended it. */
export async function stopInSteps(steps: StopSteps, timeoutMs: number): Promise<StopStep> {
  const began = performance.now();
  const elapsed = () => Math.round(performance.now() - began);
  let why = 'the guest is not running, so it cannot act on the power button';
  if (steps.guestRunning) {
    const pressed = await attempt(steps.powerdown);
    if (pressed === null) {
      if (await steps.exitedWithin(timeoutMs)) return 'powerdown';
      why = `the guest did not power off within ${timeoutMs} ms`;
    } else {
      why = `the power button could not be pressed: ${pressed}`;
    }
  }
  steps.escalated('quit', elapsed(), why);
  // Its answer and QEMU's exit are awaited together: a hung monitor costs the grace once, not twice.
  let quitFailure: string | null = null;
  void attempt(steps.quit).then((failure) => {
    quitFailure = failure;
  });
  if (await steps.exitedWithin(QUIT_GRACE_MS)) return 'quit';
  steps.escalated(
    'kill',
    elapsed(),
    quitFailure === null ? `QEMU did not quit within ${QUIT_GRACE_MS} ms` : `quit failed: ${quitFailure}`,
  );
  await steps.kill();
  return 'kill';
}

/** Null when the step was taken; its error's words when not (QEMU hung, the link down): the next step follows. */
async function attempt(step: () => Promise<unknown>): Promise<string | null> {
  try {
    await step();
    return null;
  } catch (err) {
    const desc = (err as { desc?: unknown }).desc;
    return typeof desc === 'string' ? desc : String((err as Error).message ?? err);
  }
}
