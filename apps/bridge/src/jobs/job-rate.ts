/**
 * How fast a job goes, over its last few seconds (not since its start: a transfer that stalls shows it at once),
 * and so how long it has left.
 */
const WINDOW_MS = 5000;
/** Below this span the rate is noise. */
const MIN_SPAN_MS = 500;

export class JobRate {
  readonly #samples: { at: number; current: number }[] = [];

  constructor(readonly now: () => number = Date.now) {}

  add(current: number): void {
    const at = this.now();
    this.#samples.push({ at, current });
    while (this.#samples.length > 2 && at - (this.#samples[0]?.at ?? at) > WINDOW_MS) this.#samples.shift();
  }

  /** Units per second, or null while there is too little to say. */
  get rate(): number | null {
    const first = this.#samples[0];
    const last = this.#samples.at(-1);
    if (!first || !last || last.at - first.at < MIN_SPAN_MS) return null;
    return ((last.current - first.current) * 1000) / (last.at - first.at);
  }

  /** Seconds until `total` at the current rate, or null. */
  timeLeft(current: number, total: number): number | null {
    const rate = this.rate;
    if (rate === null || rate <= 0) return null;
    return Math.max(0, (total - current) / rate);
  }
}
