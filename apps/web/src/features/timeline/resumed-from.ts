/**
 * What a VM was doing before a RESUME, read from the events before it: after a
 * STOP it runs again; after a fresh QEMU started paused before boot (`-S`) or a
 * reset while paused, it starts for the first time (from `prelaunch`); after the
 * bridge connected to a QEMU it had not started, the page cannot tell, and says
 * only that it started running.
 */
import type { EventRecord } from '@qmpdeck/protocol';
import type { BridgeEvent, KnownEventName } from '../../qemu/event-names.ts';
import type { ResumedFrom } from './event-meaning.ts';

/** How far back to look; the answer is nearly always a few events away. */
const LOOK_BACK = 2_000;
/** The bridge's own news between a QEMU's start and its first RESUME, which says nothing of its run state. */
const LINK_EVENTS: ReadonlySet<BridgeEvent> = new Set<BridgeEvent>([
  'BRIDGE_CONNECTED',
  'BRIDGE_DISCONNECTED',
  'BRIDGE_BUSY',
  'BRIDGE_GUEST_AGENT_CONNECTED',
  'BRIDGE_GUEST_AGENT_UNAVAILABLE',
]);

function beforeConnect(events: readonly EventRecord[], from: number, stop: number): ResumedFrom {
  for (let i = from; i >= stop; i--) {
    const name = events[i]?.event ?? '';
    if (name === 'BRIDGE_PROCESS_STARTED') return 'prelaunch';
    if (!(LINK_EVENTS as ReadonlySet<string>).has(name)) return 'unknown';
  }
  return 'unknown';
}

/** What the VM at `events[index]` (a RESUME) resumed from; `events` ascending by seq. */
export function resumedFrom(events: readonly EventRecord[], index: number): ResumedFrom {
  const stop = Math.max(0, index - LOOK_BACK);
  for (let i = index - 1; i >= stop; i--) {
    // Typed by the known names, so a misspelt case fails the typecheck.
    switch (events[i]?.event as KnownEventName | undefined) {
      case 'STOP':
      case 'SUSPEND':
      case 'WAKEUP':
      case 'RESUME':
        return 'paused';
      case 'RESET':
        // A reset leaves a running VM running (a STOP would come after it) and a paused one in prelaunch.
        return 'prelaunch';
      case 'BRIDGE_PROCESS_STARTED':
        return 'prelaunch';
      case 'BRIDGE_CONNECTED':
        return beforeConnect(events, i - 1, stop);
      case 'SHUTDOWN':
      case 'BRIDGE_DISCONNECTED':
      case 'BRIDGE_PROCESS_EXITED':
        return 'unknown';
      default:
        break;
    }
  }
  return 'unknown';
}

/** The index of the event with this seq in `events` (ascending by seq), or -1. */
export function indexOfSeq(events: readonly EventRecord[], seq: number): number {
  let low = 0;
  let high = events.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const at = events[middle]?.seq ?? 0;
    if (at === seq) return middle;
    if (at < seq) low = middle + 1;
    else high = middle - 1;
  }
  return -1;
}
