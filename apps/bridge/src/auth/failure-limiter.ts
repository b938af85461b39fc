/**
 * Slows down, then stops, whoever keeps presenting wrong credentials: failures (a wrong password, an unknown
 * user, a bad token, a bad session cookie) are counted per remote address and per user name over a sliding
 * window of 15 minutes. With 3 failures in the window, each further answer is delayed (100 ms, doubling, at most
 * 1 s); with 9, further attempts are answered 429 with Retry-After, without looking at the credential, until
 * enough of those failures have left the window. A successful sign-in clears its user's and address's counts.
 *
 * Counts are kept in memory, bounded (the oldest keys are forgotten first beyond 10,000 addresses or names), and
 * start over when the bridge restarts.
 */

export interface FailureLimits {
  windowMs: number;
  /** Failures in the window from which each answer is delayed. */
  delayFrom: number;
  /** Failures in the window from which attempts are refused (429). */
  refuseFrom: number;
  firstDelayMs: number;
  maxDelayMs: number;
  maxKeys: number;
}

export const DEFAULT_FAILURE_LIMITS: FailureLimits = {
  windowMs: 15 * 60_000,
  delayFrom: 3,
  refuseFrom: 9,
  firstDelayMs: 100,
  maxDelayMs: 1000,
  maxKeys: 10_000,
};

export type Verdict = { refused: false; delayMs: number } | { refused: true; retryAfterS: number };

/** What failures are counted against: the remote address, and the user name when one was given. */
export interface FailureKeys {
  address: string | null;
  name?: string | undefined;
}

export class FailureLimiter {
  /** Failure times per key, oldest first, at most `refuseFrom` + 1 kept (enough to know when one may retry). */
  readonly #byAddress = new Map<string, number[]>();
  readonly #byName = new Map<string, number[]>();

  constructor(
    readonly limits: FailureLimits = DEFAULT_FAILURE_LIMITS,
    readonly now: () => number = Date.now,
  ) {}

  /** May this attempt be looked at, and how long should its answer wait? */
  check(keys: FailureKeys): Verdict {
    const now = this.now();
    const times = this.#timesOf(keys, now);
    const failures = Math.max(...times.map((list) => list.length), 0);
    if (failures >= this.limits.refuseFrom) {
      // Free again once the count is under the limit: when the failure that makes it the limit leaves the window.
      const freeAt = Math.max(
        ...times.map((list) =>
          list.length >= this.limits.refuseFrom
            ? (list[list.length - this.limits.refuseFrom] as number) + this.limits.windowMs
            : 0,
        ),
      );
      return { refused: true, retryAfterS: Math.max(1, Math.ceil((freeAt - now) / 1000)) };
    }
    return { refused: false, delayMs: this.delayFor(failures) };
  }

  delayFor(failures: number): number {
    if (failures < this.limits.delayFrom) return 0;
    const doubled = this.limits.firstDelayMs * 2 ** (failures - this.limits.delayFrom);
    return Math.min(doubled, this.limits.maxDelayMs);
  }

  fail(keys: FailureKeys): void {
    const now = this.now();
    if (keys.address !== null) this.#add(this.#byAddress, keys.address, now);
    if (keys.name !== undefined) this.#add(this.#byName, keys.name, now);
  }

  clear(keys: FailureKeys): void {
    if (keys.address !== null) this.#byAddress.delete(keys.address);
    if (keys.name !== undefined) this.#byName.delete(keys.name);
  }

  #timesOf(keys: FailureKeys, now: number): number[][] {
    const lists: number[][] = [];
    if (keys.address !== null) lists.push(this.#recent(this.#byAddress, keys.address, now));
    if (keys.name !== undefined) lists.push(this.#recent(this.#byName, keys.name, now));
    return lists;
  }

  #recent(map: Map<string, number[]>, key: string, now: number): number[] {
    const list = map.get(key);
    if (list === undefined) return [];
    const from = now - this.limits.windowMs;
    while (list.length > 0 && (list[0] as number) <= from) list.shift();
    if (list.length === 0) map.delete(key);
    return list;
  }

  #add(map: Map<string, number[]>, key: string, now: number): void {
    const list = this.#recent(map, key, now);
    list.push(now);
    if (list.length > this.limits.refuseFrom + 1) list.shift();
    // Re-inserted so the map's order is least recently failed first: the first key is the one to forget.
    map.delete(key);
    map.set(key, list);
    if (map.size > this.limits.maxKeys) map.delete(map.keys().next().value as string);
  }
}
