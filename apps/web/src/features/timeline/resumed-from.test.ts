import type { EventRecord } from '@qmpdeck/protocol';
import { describe, expect, it } from 'vitest';
import { indexOfSeq, resumedFrom } from './resumed-from.ts';

const log = (...names: string[]): EventRecord[] =>
  names.map((event, index) => ({
    vm: 'a',
    seq: index + 1,
    event,
    timestamp: { seconds: index, microseconds: 0 },
  }));
const lastResume = (events: EventRecord[]) => resumedFrom(events, events.length - 1);

describe('resumedFrom', () => {
  it('reads the first RESUME of a QEMU the bridge started paused before boot as its first boot', () => {
    expect(
      lastResume(
        log('BRIDGE_PROCESS_STARTED', 'BRIDGE_GUEST_AGENT_UNAVAILABLE', 'BRIDGE_CONNECTED', 'RESUME'),
      ),
    ).toBe('prelaunch');
  });

  it('reads a RESUME after a STOP as running again, and after a reset while paused as a new boot', () => {
    expect(lastResume(log('BRIDGE_PROCESS_STARTED', 'RESUME', 'STOP', 'DEVICE_TRAY_MOVED', 'RESUME'))).toBe(
      'paused',
    );
    expect(lastResume(log('RESUME', 'STOP', 'RESET', 'RESUME'))).toBe('prelaunch');
  });

  it('cannot tell for a QEMU the bridge found already there, nor across a bridge restart', () => {
    expect(lastResume(log('BRIDGE_CONNECTED', 'RESUME'))).toBe('unknown');
    expect(lastResume(log('STOP', 'BRIDGE_DISCONNECTED', 'BRIDGE_CONNECTED', 'RESUME'))).toBe('unknown');
    expect(lastResume(log('RESUME'))).toBe('unknown');
  });
});

describe('indexOfSeq', () => {
  it('finds an event by seq in a sorted list, with holes', () => {
    const events = log('A', 'B', 'C').map((event, index) => ({ ...event, seq: [2, 5, 9][index] ?? 0 }));
    expect(indexOfSeq(events, 5)).toBe(1);
    expect(indexOfSeq(events, 9)).toBe(2);
    expect(indexOfSeq(events, 3)).toBe(-1);
  });
});
