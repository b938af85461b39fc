import { describe, expect, it } from 'vitest';
import { Backoff, backoffDelay } from './backoff.ts';

describe('backoffDelay', () => {
  it('doubles from min to max without jitter', () => {
    const delays = [0, 1, 2, 3, 4, 5].map((n) => backoffDelay(n, { minMs: 100, maxMs: 1000, jitter: 0 }));
    expect(delays).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('spreads each delay by the jitter fraction', () => {
    expect(backoffDelay(0, { minMs: 100, maxMs: 1000, jitter: 0.2, random: () => 0 })).toBe(80);
    expect(backoffDelay(0, { minMs: 100, maxMs: 1000, jitter: 0.2, random: () => 0.999999 })).toBe(120);
  });
});

describe('Backoff', () => {
  it('counts failures and starts over after reset', () => {
    const backoff = new Backoff({ minMs: 10, maxMs: 100, jitter: 0 });
    expect([backoff.next(), backoff.next(), backoff.next()]).toEqual([10, 20, 40]);
    backoff.reset();
    expect(backoff.next()).toBe(10);
  });
});
