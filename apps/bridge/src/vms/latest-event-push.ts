/**
 * When only a VM's `latestEvent` changed, its `vm` message is pushed at most once per interval (default 1 s),
 * on the trailing edge, so the newest event is always the one sent last: the overview shows each VM's latest news
 * without subscribing to every event stream, and a burst of events costs one push, not one per event.
 */
export const LATEST_EVENT_PUSH_MS = 1000;

export class LatestEventPush {
  readonly #intervalMs: number;
  #lastPushAt = 0;
  #timer: NodeJS.Timeout | null = null;

  constructor(
    intervalMs: number | undefined,
    readonly push: () => void,
  ) {
    this.#intervalMs = intervalMs ?? LATEST_EVENT_PUSH_MS;
  }

  /** The latest event changed: push now if the last push is old enough, else once the interval is over. */
  changed(): void {
    if (this.#timer !== null) return;
    const wait = this.#lastPushAt + this.#intervalMs - Date.now();
    if (wait <= 0) {
      this.push();
      return;
    }
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.push();
    }, wait);
    this.#timer.unref();
  }

  /** A push happened (for any reason): it carried the latest event, so nothing is pending any more. */
  pushed(): void {
    this.#lastPushAt = Date.now();
    if (this.#timer !== null) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
  }

  cancel(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
