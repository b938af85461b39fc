import { describe, expect, it } from 'vitest';
import { backoffDelay } from './reconnecting.ts';

describe('backoffDelay', () => {
  it('doubles from the minimum up to the cap without jitter', () => {
    expect([0, 1, 2, 3, 10].map((attempt) => backoffDelay(attempt, 100, 1000, 0))).toEqual([
      100, 200, 400, 800, 1000,
    ]);
  });

  it('spreads each delay within ±jitter of its base', () => {
    for (let i = 0; i < 200; i++) {
      const delay = backoffDelay(2, 100, 5000, 0.2);
      expect(delay).toBeGreaterThanOrEqual(320);
      expect(delay).toBeLessThanOrEqual(480);
    }
  });
});
