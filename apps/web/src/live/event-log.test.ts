import type { EventRecord } from '@qmpdeck/protocol';
import { describe, expect, it } from 'vitest';
import { emptyEventLog, lastSeq, MAX_EVENTS_IN_MEMORY, mergeEvents } from './event-log.ts';

const event = (seq: number, name = 'STOP'): EventRecord => ({
  vm: 'alpha',
  seq,
  event: name,
  timestamp: { seconds: 1_700_000_000 + seq, microseconds: 0 },
});
const seqs = (log: { events: readonly EventRecord[] }) => log.events.map((e) => e.seq);

describe('mergeEvents', () => {
  it('appends live events after the ones it has', () => {
    const log = mergeEvents(mergeEvents(undefined, [event(1), event(2)]), [event(3)]);
    expect(seqs(log)).toEqual([1, 2, 3]);
  });

  it('prepends an older page', () => {
    const log = mergeEvents(mergeEvents(undefined, [event(10), event(11)]), [event(8), event(9)], false);
    expect(seqs(log)).toEqual([8, 9, 10, 11]);
    expect(log.hasOlder).toBe(false);
  });

  it('drops duplicates when a replay overlaps what arrived live', () => {
    const live = mergeEvents(undefined, [event(5), event(6), event(7)]);
    const replayed = mergeEvents(live, [event(6), event(7), event(8)]);
    expect(seqs(replayed)).toEqual([5, 6, 7, 8]);
  });

  it('sorts events that arrive out of order and fills a hole', () => {
    const log = mergeEvents(mergeEvents(undefined, [event(1), event(4)]), [event(3), event(2)]);
    expect(seqs(log)).toEqual([1, 2, 3, 4]);
  });

  it('keeps the same object when nothing changes, so React skips a render', () => {
    const log = mergeEvents(undefined, [event(1)]);
    expect(mergeEvents(log, [])).toBe(log);
  });

  it('starts from an empty log that may have older events', () => {
    expect(emptyEventLog.hasOlder).toBe(true);
    expect(lastSeq(emptyEventLog)).toBeNull();
  });

  it('holds 100,000 events in order and caps memory by dropping the oldest', () => {
    const many = Array.from({ length: 100_000 }, (_, i) => event(i + 1));
    let log = mergeEvents(undefined, many, false);
    expect(log.events).toHaveLength(100_000);
    const more = Array.from({ length: MAX_EVENTS_IN_MEMORY }, (_, i) => event(100_001 + i));
    log = mergeEvents(log, more);
    expect(log.events).toHaveLength(MAX_EVENTS_IN_MEMORY);
    expect(log.events[0]?.seq).toBe(100_001);
    expect(log.hasOlder).toBe(true);
  });
});
