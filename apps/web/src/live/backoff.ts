/** Reconnect delays: doubling from `min` to `max`, with jitter so many tabs do not return in lockstep. */
export function backoffDelay(attempt: number, minMs = 250, maxMs = 5_000, random = Math.random): number {
  const base = Math.min(maxMs, minMs * 2 ** Math.max(0, attempt));
  return Math.round(base * (0.8 + 0.4 * random()));
}
