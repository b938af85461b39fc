import type { Actor } from '@qmpdeck/protocol';
import { describe, expect, it } from 'vitest';
import { findCause } from './cause.ts';
import { CAUSE_WINDOW_MS, InflightTracker } from './inflight.ts';

const alice: Actor = { client: 'c1', user: 'alice', origin: 'Pause button', remote: '127.0.0.1' };

describe('findCause', () => {
  it('names the oldest state-changing command in flight, never a query', () => {
    const tracker = new InflightTracker('a', () => {});
    tracker.begin('query-status', undefined, alice, 'q', 5000);
    tracker.begin('stop', undefined, alice, 's', 5000);
    tracker.begin('cont', undefined, alice, 'c', 5000);
    expect(findCause(tracker)).toEqual({
      command: 'stop',
      arguments: null,
      id: 's',
      client: 'c1',
      user: 'alice',
      origin: 'Pause button',
      remote: '127.0.0.1',
    });
  });

  it('falls back to a command answered within the window, then to null', () => {
    const tracker = new InflightTracker('a', () => {});
    const reset = tracker.begin('system_reset', undefined, alice, 'r', 5000);
    tracker.complete(reset, 1000);
    expect(findCause(tracker, 1000 + CAUSE_WINDOW_MS)?.command).toBe('system_reset');
    expect(findCause(tracker, 1001 + CAUSE_WINDOW_MS)).toBeNull();
  });

  it('reports every change of the in-flight list', () => {
    const lists: number[] = [];
    const tracker = new InflightTracker('a', (commands) => lists.push(commands.length));
    const one = tracker.begin('stop', undefined, alice, undefined, 5000);
    tracker.begin('stop', undefined, alice, undefined, 5000);
    tracker.complete(one);
    expect(lists).toEqual([1, 2, 1]);
  });
});
