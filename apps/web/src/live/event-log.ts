/**
 * The event cache of one VM: its events in ascending `seq` order, without
 * duplicates, plus whether older ones exist on the bridge. Live events append,
 * history pages prepend, a replay after a reconnect may overlap both: `mergeEvents`
 * takes any mix and keeps the order, cheaply for the common append/prepend cases
 * because a VM's timeline can hold 100,000 events.
 */
import type { EventRecord } from '@qmpdeck/protocol';

export interface EventLog {
  events: readonly EventRecord[];
  /** True while the bridge may hold events older than `events[0]`. */
  hasOlder: boolean;
}

/** Past this many events the oldest are dropped from memory (they stay on the bridge). */
export const MAX_EVENTS_IN_MEMORY = 200_000;

export const emptyEventLog: EventLog = { events: [], hasOlder: true };

export function firstSeq(log: EventLog | undefined): number | null {
  return log?.events[0]?.seq ?? null;
}

export function lastSeq(log: EventLog | undefined): number | null {
  const events = log?.events;
  return events?.length ? (events[events.length - 1]?.seq ?? null) : null;
}

function sortedUnique(events: readonly EventRecord[]): EventRecord[] {
  const bySeq = new Map<number, EventRecord>();
  for (const event of events) bySeq.set(event.seq, event);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

function capped(events: EventRecord[], hasOlder: boolean): EventLog {
  if (events.length <= MAX_EVENTS_IN_MEMORY) return { events, hasOlder };
  return { events: events.slice(events.length - MAX_EVENTS_IN_MEMORY), hasOlder: true };
}

export function mergeEvents(
  log: EventLog | undefined,
  incoming: readonly EventRecord[],
  hasOlder?: boolean,
): EventLog {
  const base = log ?? emptyEventLog;
  const older = hasOlder ?? base.hasOlder;
  if (incoming.length === 0) return older === base.hasOlder ? base : { ...base, hasOlder: older };
  const fresh = sortedUnique(incoming);
  const first = firstSeq(base);
  const last = lastSeq(base);
  const freshFirst = fresh[0]?.seq ?? 0;
  const freshLast = fresh[fresh.length - 1]?.seq ?? 0;
  if (last === null || first === null) return capped(fresh, older);
  if (freshFirst > last) return capped([...base.events, ...fresh], older);
  if (freshLast < first) return capped([...fresh, ...base.events], older);
  return capped(sortedUnique([...base.events, ...fresh]), older);
}
