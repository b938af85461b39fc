/** Which events the timeline shows: by name, by free text over data and cause, by kind. */
import type { EventRecord } from '@qmpdeck/protocol';
import { type EventKind, eventKind } from './event-kind.ts';
import { causeLine, eventCause, eventMeaning } from './event-meaning.ts';

export interface EventFilter {
  name: string;
  text: string;
  /** Kinds hidden by the person; empty shows all. */
  hiddenKinds: ReadonlySet<EventKind>;
}

export const noFilter: EventFilter = { name: '', text: '', hiddenKinds: new Set() };

export function isFiltering(filter: EventFilter): boolean {
  return filter.name.trim() !== '' || filter.text.trim() !== '' || filter.hiddenKinds.size > 0;
}

function searchableText(event: EventRecord): string {
  return `${eventMeaning(event)} ${causeLine(eventCause(event)) ?? ''} ${event.data ? JSON.stringify(event.data) : ''}`.toLowerCase();
}

export function filterEvents(events: readonly EventRecord[], filter: EventFilter): readonly EventRecord[] {
  if (!isFiltering(filter)) return events;
  const names = filter.name
    .split(/[\s,]+/)
    .map((part) => part.trim().toUpperCase())
    .filter(Boolean);
  const text = filter.text.trim().toLowerCase();
  return events.filter(
    (event) =>
      !filter.hiddenKinds.has(eventKind(event.event)) &&
      (names.length === 0 || names.some((name) => event.event.includes(name))) &&
      (text === '' || searchableText(event).includes(text)),
  );
}

/** How many of the (sorted) events came after `seq`: the "N new events" count. */
export function countAfter(events: readonly EventRecord[], seq: number): number {
  let low = 0;
  let high = events.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((events[middle]?.seq ?? 0) <= seq) low = middle + 1;
    else high = middle;
  }
  return events.length - low;
}

/** The shown events as JSON lines, one event per line, for export. */
export function toJsonLines(events: readonly EventRecord[]): string {
  return events.map((event) => JSON.stringify(event)).join('\n') + (events.length ? '\n' : '');
}

/**
 * The toolbar's count. While older events are still on the bridge only, the loaded window is called
 * what it is ("latest 200"), so it is not read as the VM's total.
 */
export function eventCountText(shown: number, loaded: number, complete: boolean): string {
  const all = complete ? `${loaded} events` : `latest ${loaded} events`;
  return shown === loaded ? all : `${shown} of ${all}`;
}
