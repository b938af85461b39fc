/**
 * The console link's life: connect, break, come back at once, back off while attempts fail, say why when the
 * bridge says (no display), ignore answers of attempts it gave up on, and stop for good.
 */
import type { ErrorBody } from '@qmpdeck/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LinkState } from './link-state.ts';
import { type AttemptHandlers, ReconnectingLink, type ReconnectingLinkOptions } from './reconnecting-link.ts';

interface FakeAttempt extends AttemptHandlers {
  closedByLink: boolean;
}

function harness(options: Partial<ReconnectingLinkOptions> = {}) {
  const attempts: FakeAttempt[] = [];
  const states: LinkState[] = [];
  const link = new ReconnectingLink({
    open: (handlers) => {
      const attempt: FakeAttempt = { ...handlers, closedByLink: false };
      attempts.push(attempt);
      return {
        close: () => {
          attempt.closedByLink = true;
        },
      };
    },
    onState: (state) => states.push(state),
    minDelayMs: 100,
    maxDelayMs: 1_000,
    now: () => 0,
    ...options,
  });
  const last = () => attempts[attempts.length - 1] as FakeAttempt;
  const phase = () => link.current.phase;
  return { link, attempts, states, last, phase };
}

/** Lets the probe's promise settle. */
const settle = () => vi.advanceTimersByTimeAsync(0);

beforeEach(() => {
  vi.useFakeTimers();
  vi.spyOn(Math, 'random').mockReturnValue(0.5);
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('ReconnectingLink', () => {
  it('connects, and after a break tries again at once as attempt 1 of a reconnect', async () => {
    const { link, attempts, last, phase } = harness();
    link.start();
    expect(phase()).toBe('connecting');
    last().opened();
    expect(link.current).toEqual({ phase: 'connected', attempt: 0, retryAt: null, problem: null });
    last().closed();
    expect(attempts).toHaveLength(2);
    expect(link.current).toMatchObject({ phase: 'reconnecting', attempt: 1 });
    last().opened();
    expect(phase()).toBe('connected');
  });

  it('backs off while attempts fail, counting them, and resets after a success', async () => {
    const { link, attempts, last } = harness();
    link.start();
    last().opened();
    last().closed(); // broke: attempt 1 at once
    last().closed(); // it failed
    await settle();
    expect(link.current).toMatchObject({ phase: 'reconnecting', attempt: 2, retryAt: 100 });
    await vi.advanceTimersByTimeAsync(99);
    expect(attempts).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(attempts).toHaveLength(3);
    last().closed();
    await settle();
    expect(link.current).toMatchObject({ attempt: 3, retryAt: 200 });
    await vi.advanceTimersByTimeAsync(200);
    last().opened();
    expect(link.current.attempt).toBe(0);
    last().closed();
    last().closed();
    await settle();
    expect(link.current).toMatchObject({ attempt: 2, retryAt: 100 });
  });

  it('stays "connecting" while the first connection has never opened', async () => {
    const { link, last } = harness();
    link.start();
    last().closed();
    await settle();
    expect(link.current).toMatchObject({ phase: 'connecting', attempt: 2 });
  });

  it('says what the bridge says, and when it is definitive waits the longest delay', async () => {
    const noDisplay: ErrorBody = { class: 'NoDisplay', desc: 'VM alpha has no graphical display' };
    let answer: ErrorBody | null = noDisplay;
    const { link, attempts, last } = harness({ probe: async () => answer, definitive: ['NoDisplay'] });
    link.start();
    last().closed();
    await settle();
    expect(link.current).toEqual({ phase: 'unavailable', attempt: 2, retryAt: 1_000, problem: noDisplay });
    await vi.advanceTimersByTimeAsync(999);
    expect(attempts).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(attempts).toHaveLength(2);
    // Not definitive (the VM is not connected): shown, but retried at the usual pace.
    answer = { class: 'VmNotConnected', desc: 'QEMU is not running' };
    last().closed();
    await settle();
    expect(link.current).toMatchObject({ phase: 'connecting', problem: answer });
    expect(link.current.retryAt).toBeLessThan(1_000);
  });

  it('treats a probe that fails as no answer', async () => {
    const { link, last } = harness({ probe: () => Promise.reject(new Error('bridge away')) });
    link.start();
    last().closed();
    await settle();
    expect(link.current).toMatchObject({ phase: 'connecting', problem: null });
  });

  it('retries at once on request while waiting, and not while connected', async () => {
    const { link, attempts, last } = harness();
    link.start();
    last().closed();
    await settle();
    link.retryNow();
    expect(attempts).toHaveLength(2);
    last().opened();
    link.retryNow();
    expect(attempts).toHaveLength(2);
  });

  it('stops for good: closes the attempt, cancels the wait, ignores late answers', async () => {
    const { link, attempts, last, states } = harness();
    link.start();
    const first = last();
    first.opened();
    link.stop();
    expect(first.closedByLink).toBe(true);
    expect(link.current.phase).toBe('stopped');
    const count = states.length;
    first.closed();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(attempts).toHaveLength(1);
    expect(states).toHaveLength(count);
  });

  it('ignores an attempt that answers after a newer one started', async () => {
    const { link, last } = harness();
    link.start();
    const old = last();
    old.closed();
    await settle();
    link.retryNow();
    const current = last();
    old.opened();
    expect(link.current.phase).toBe('connecting');
    current.opened();
    expect(link.current.phase).toBe('connected');
  });
});
