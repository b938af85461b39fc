import { describe, expect, it } from 'vitest';
import { DEFAULT_FAILURE_LIMITS, FailureLimiter } from './failure-limiter.ts';

const MINUTE = 60_000;

function limiterAt(start = 1_000_000) {
  const clock = { now: start };
  return { limiter: new FailureLimiter(DEFAULT_FAILURE_LIMITS, () => clock.now), clock };
}

describe('the failure limiter', () => {
  it('lets 3 failures pass, delays the next answers 100 ms doubling up to 1 s, and refuses from the 10th', () => {
    const { limiter } = limiterAt();
    const keys = { address: '10.0.0.1', name: 'ana' };
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 9; attempt++) {
      const verdict = limiter.check(keys);
      expect(verdict.refused).toBe(false);
      delays.push(verdict.refused ? -1 : verdict.delayMs);
      limiter.fail(keys);
    }
    expect(delays).toEqual([0, 0, 0, 100, 200, 400, 800, 1000, 1000]);
    expect(limiter.check(keys)).toEqual({ refused: true, retryAfterS: 900 });
  });

  it('counts by address and by name apart: another address for the same name is refused too', () => {
    const { limiter } = limiterAt();
    for (let i = 0; i < 9; i++) limiter.fail({ address: `10.0.0.${i}`, name: 'ana' });
    expect(limiter.check({ address: '10.9.9.9', name: 'ana' }).refused).toBe(true);
    expect(limiter.check({ address: '10.9.9.9', name: 'bob' })).toEqual({ refused: false, delayMs: 0 });
    expect(limiter.check({ address: '10.9.9.9' })).toEqual({ refused: false, delayMs: 0 });
  });

  it('frees an address as its failures leave the 15-minute window, and Retry-After says when', () => {
    const { limiter, clock } = limiterAt();
    const keys = { address: '10.0.0.1' };
    for (let i = 0; i < 9; i++) {
      limiter.fail(keys);
      clock.now += MINUTE;
    }
    // Failures at minutes 0..8, now minute 9: the first leaves the window at minute 15.
    expect(limiter.check(keys)).toEqual({ refused: true, retryAfterS: 6 * 60 });
    clock.now += 6 * 60_000;
    expect(limiter.check(keys)).toEqual({ refused: false, delayMs: 1000 });
    clock.now += 15 * MINUTE;
    expect(limiter.check(keys)).toEqual({ refused: false, delayMs: 0 });
  });

  it('forgets an address and a name after a success', () => {
    const { limiter } = limiterAt();
    const keys = { address: '10.0.0.1', name: 'ana' };
    for (let i = 0; i < 9; i++) limiter.fail(keys);
    limiter.clear(keys);
    expect(limiter.check(keys)).toEqual({ refused: false, delayMs: 0 });
  });

  it('keeps at most maxKeys addresses, forgetting the least recently failed first', () => {
    const clock = { now: 0 };
    const limiter = new FailureLimiter({ ...DEFAULT_FAILURE_LIMITS, maxKeys: 3 }, () => clock.now);
    for (let i = 0; i < 9; i++) limiter.fail({ address: 'a' });
    for (const address of ['b', 'c', 'd']) limiter.fail({ address });
    expect(limiter.check({ address: 'a' })).toEqual({ refused: false, delayMs: 0 });
    expect(limiter.check({ address: 'd' })).toEqual({ refused: false, delayMs: 0 });
  });
});
