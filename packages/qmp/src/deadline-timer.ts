/**
 * One timer for many deadlines. A per-command setTimeout/clearTimeout pair costs more than the rest of the client's
 * work on a round trip and shows in the tail latency, so the client keeps a single timer armed for the earliest
 * deadline and sweeps expired commands when it fires.
 */
export class DeadlineTimer {
  readonly #sweep: (now: number) => number;
  #timer: NodeJS.Timeout | undefined;
  #armedAt = Number.POSITIVE_INFINITY;

  /** `sweep` handles everything due by `now` and returns the next deadline (or Infinity when none is left). */
  constructor(sweep: (now: number) => number) {
    this.#sweep = sweep;
  }

  static now(): number {
    return performance.now();
  }

  /** Makes sure the timer fires no later than `deadline` (a `DeadlineTimer.now()` value). */
  schedule(deadline: number): void {
    if (deadline >= this.#armedAt) return;
    clearTimeout(this.#timer);
    this.#armedAt = deadline;
    this.#timer = setTimeout(() => this.#fire(), Math.max(0, deadline - DeadlineTimer.now()));
    // The socket keeps the process alive while commands wait; this timer alone must not.
    this.#timer.unref();
  }

  cancel(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#armedAt = Number.POSITIVE_INFINITY;
  }

  #fire(): void {
    this.#timer = undefined;
    this.#armedAt = Number.POSITIVE_INFINITY;
    const next = this.#sweep(DeadlineTimer.now());
    if (Number.isFinite(next)) this.schedule(next);
  }
}
