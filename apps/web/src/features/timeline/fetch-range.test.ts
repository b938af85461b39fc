import type { EventPage, EventRecord } from '@qmpdeck/protocol';
import { describe, expect, it } from 'vitest';
import { fetchRange } from './useEventLog.ts';

const event = (seq: number): EventRecord => ({
  vm: 'a',
  seq,
  event: 'STOP',
  timestamp: { seconds: seq, microseconds: 0 },
});

/** A store holding `seqs` that, like the bridge, answers at most `cap` events per page. */
function store(seqs: number[], cap: number) {
  const asked: [number, number][] = [];
  const fetchPage = async (_vm: string, after: number, limit: number): Promise<EventPage> => {
    asked.push([after, limit]);
    const events = seqs
      .filter((seq) => seq > after)
      .slice(0, Math.min(limit, cap))
      .map(event);
    return { events, lastSeq: seqs.at(-1) ?? 0 };
  };
  return { fetchPage, asked };
}

describe('fetchRange', () => {
  it('asks again when the bridge caps a page, so the range has no hole', async () => {
    const { fetchPage, asked } = store([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 3);
    const events = await fetchRange('a', 1, 9, fetchPage);
    expect(events.map((e) => e.seq)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(asked).toEqual([
      [1, 7],
      [4, 4],
      [7, 1],
    ]);
  });

  it('stops where retention removed the oldest events', async () => {
    const { fetchPage } = store([6, 7, 8, 9], 100);
    expect((await fetchRange('a', 0, 9, fetchPage)).map((e) => e.seq)).toEqual([6, 7, 8]);
  });

  it('returns nothing for an empty range', async () => {
    const { fetchPage, asked } = store([1, 2], 100);
    expect(await fetchRange('a', 1, 2, fetchPage)).toEqual([]);
    expect(asked).toEqual([]);
  });
});
