import type { EventRecord } from '@qmpdeck/protocol';
import { describe, expect, it } from 'vitest';
import { countAfter, eventCountText, filterEvents, noFilter, toJsonLines } from './event-filter.ts';

const event = (seq: number, name: string, data?: Record<string, unknown>): EventRecord => ({
  vm: 'alpha',
  seq,
  event: name,
  timestamp: { seconds: seq, microseconds: 0 },
  ...(data ? { data } : {}),
});
const events = [
  event(1, 'RESUME'),
  event(2, 'DEVICE_TRAY_MOVED', { device: 'cd0', 'tray-open': true }),
  event(3, 'STOP'),
  event(4, 'BRIDGE_DISCONNECTED'),
];

describe('filterEvents', () => {
  it('shows everything without a filter, as the same array', () => {
    expect(filterEvents(events, noFilter)).toBe(events);
  });

  it('filters by name parts, case-insensitively', () => {
    expect(filterEvents(events, { ...noFilter, name: 'stop, tray' }).map((e) => e.seq)).toEqual([2, 3]);
  });

  it('filters by free text over the data and the meaning', () => {
    expect(filterEvents(events, { ...noFilter, text: 'cd0' }).map((e) => e.seq)).toEqual([2]);
    expect(filterEvents(events, { ...noFilter, text: 'paused' }).map((e) => e.seq)).toEqual([3]);
  });

  it('hides kinds', () => {
    const shown = filterEvents(events, { ...noFilter, hiddenKinds: new Set(['bridge', 'block'] as const) });
    expect(shown.map((e) => e.seq)).toEqual([1, 3]);
  });
});

describe('countAfter', () => {
  it('counts the events newer than a seq', () => {
    expect(countAfter(events, 2)).toBe(2);
    expect(countAfter(events, 0)).toBe(4);
    expect(countAfter(events, 4)).toBe(0);
  });
});

describe('toJsonLines', () => {
  it('writes one parseable event per line', () => {
    const lines = toJsonLines(events).trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(JSON.parse(lines[1] ?? '')).toMatchObject({ event: 'DEVICE_TRAY_MOVED', seq: 2 });
  });
});

describe('eventCountText', () => {
  it('calls a window of the newest events what it is, not the total', () => {
    expect(eventCountText(200, 200, false)).toBe('latest 200 events');
    expect(eventCountText(6, 200, false)).toBe('6 of latest 200 events');
    expect(eventCountText(436, 436, true)).toBe('436 events');
    expect(eventCountText(6, 436, true)).toBe('6 of 436 events');
  });
});
