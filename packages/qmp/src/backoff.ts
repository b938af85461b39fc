/**
 * Retry delays: doubling from `minMs` to `maxMs`, spread by ±`jitter` so that many clients (tabs, bridges, VMs)
 * do not come back in lockstep. The one backoff of the project: the reconnecting QMP client, the bridge's guest
 * agent link and the web app's socket all use it. Browser-safe (no Node imports): `@qmpdeck/qmp/backoff`.
 */
export interface BackoffOptions {
  /** First delay. */
  minMs: number;
  /** Cap. */
  maxMs: number;
  /** Random spread of each delay, as a fraction (0.2 = ±20%). Default 0.2. */
  jitter?: number;
  /** For tests: a source of numbers in [0, 1). */
  random?: () => number;
}

/** The delay before retry number `attempt` (0 for the first retry). */
export function backoffDelay(attempt: number, options: BackoffOptions): number {
  const { minMs, maxMs, jitter = 0.2, random = Math.random } = options;
  const base = Math.min(maxMs, minMs * 2 ** Math.max(0, attempt));
  const spread = base * jitter * (random() * 2 - 1);
  return Math.max(0, Math.round(base + spread));
}

/** Counts attempts and hands out their delays; `reset()` after a success. */
export class Backoff {
  #attempt = 0;
  constructor(readonly options: BackoffOptions) {}

  /** The delay before the next attempt; each call counts one more failure. */
  next(): number {
    return backoffDelay(this.#attempt++, this.options);
  }

  reset(): void {
    this.#attempt = 0;
  }

  get attempts(): number {
    return this.#attempt;
  }
}
