import type { EventRecord } from '@qmpdeck/protocol';
import { describe, expect, it } from 'vitest';
import {
  appendEvents,
  type EventPages,
  flattenEvents,
  MAX_EVENTS_IN_MEMORY,
  newestSeq,
  olderPageParam,
  timelinePage,
} from './event-pages.ts';

const event = (seq: number, name = 'STOP'): EventRecord => ({
  vm: 'alpha',
  seq,
  event: name,
  timestamp: { seconds: 1_700_000_000 + seq, microseconds: 0 },
});
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => event(from + i));
const seqs = (data: EventPages | undefined) => flattenEvents(data).map((e) => e.seq);
const live = { before: Number.MAX_SAFE_INTEGER, limit: 200 };

/** The cache after the newest page: `seq`s from..to of a history whose last seq is `lastSeq`. */
function opened(from: number, to: number, limit = 200): EventPages {
  const param = { before: Number.MAX_SAFE_INTEGER, limit };
  return { pages: [timelinePage({ events: range(from, to), lastSeq: to }, param)], pageParams: [param] };
}

describe('the timeline pages', () => {
  it('say whether older events exist from the size of the page the bridge answered', () => {
    expect(opened(101, 300).pages[0]?.olderExist).toBe(true);
    expect(opened(1, 200).pages[0]?.olderExist).toBe(false);
    expect(opened(1, 50).pages[0]?.olderExist).toBe(false);
    // The next page back ends where this one starts: no arithmetic on seqs, no probing.
    expect(olderPageParam(opened(101, 300).pages[0] as never, 1000)).toEqual({ before: 101, limit: 1000 });
    expect(olderPageParam(opened(1, 50).pages[0] as never, 1000)).toBeUndefined();
  });

  it('append live events to the newest page', () => {
    const data = appendEvents(opened(1, 2), [event(3), event(4)], live);
    expect(seqs(data)).toEqual([1, 2, 3, 4]);
    expect(data.pages).toHaveLength(1);
    expect(newestSeq(data)).toBe(4);
  });

  it('keep older pages in front of newer ones', () => {
    const data = opened(201, 400);
    const older = timelinePage({ events: range(1, 200), lastSeq: 400 }, { before: 201, limit: 1000 });
    const both: EventPages = {
      pages: [older, ...data.pages],
      pageParams: [{ before: 201, limit: 1000 }, live],
    };
    expect(seqs(appendEvents(both, [event(401)], live))).toEqual(range(1, 401).map((e) => e.seq));
  });

  it('drop duplicates when a replay overlaps what arrived live, and sort what came out of order', () => {
    const data = appendEvents(
      appendEvents(opened(5, 7), [event(9), event(8)], live),
      [event(7), event(10)],
      live,
    );
    expect(seqs(data)).toEqual([5, 6, 7, 8, 9, 10]);
  });

  it('start from the live events alone when the history could not be loaded', () => {
    const data = appendEvents(undefined, [event(12), event(11)], live);
    expect(seqs(data)).toEqual([11, 12]);
    expect(data.pages[0]?.olderExist).toBe(false);
  });

  it('keep the same object when nothing arrives, so React skips a render', () => {
    const data = opened(1, 3);
    expect(appendEvents(data, [], live)).toBe(data);
    expect(flattenEvents(data)).toBe(flattenEvents(data));
  });

  it('hold 100,000 events in order and cap memory by dropping the oldest', () => {
    let data = appendEvents(opened(1, 0), range(1, 100_000), live);
    expect(flattenEvents(data)).toHaveLength(100_000);
    data = appendEvents(data, range(100_001, 100_000 + MAX_EVENTS_IN_MEMORY), live);
    const all = flattenEvents(data);
    expect(all).toHaveLength(MAX_EVENTS_IN_MEMORY);
    expect(all[0]?.seq).toBe(100_001);
    expect(data.pages[0]?.olderExist).toBe(true);
  });
});
