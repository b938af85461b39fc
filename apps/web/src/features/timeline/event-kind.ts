/** Sorts events into the kinds the timeline colours and filters by (from the typed catalog of event names). */
import { EVENT_NAMES, type EventKind, isBridgeEvent, isKnownEvent } from '../../qemu/event-names.ts';

export type { EventKind };

export function eventKind(name: string): EventKind {
  if (isKnownEvent(name)) return EVENT_NAMES[name].kind;
  // A name this dashboard does not know yet: the bridge's own, or something a newer QEMU sends.
  return isBridgeEvent(name) ? 'bridge' : 'other';
}

export const EVENT_KINDS: readonly { kind: EventKind; label: string }[] = [
  { kind: 'run-state', label: 'Run state' },
  { kind: 'block', label: 'Block' },
  { kind: 'device', label: 'Device' },
  { kind: 'migration', label: 'Migration' },
  { kind: 'guest', label: 'Guest' },
  { kind: 'display', label: 'Display' },
  { kind: 'bridge', label: 'Bridge' },
  { kind: 'other', label: 'Other' },
];

/** The stripe and name colour of each kind, readable in both themes. */
export const KIND_COLOURS: Record<EventKind, { stripe: string; text: string }> = {
  'run-state': { stripe: 'bg-emerald-500', text: 'text-emerald-800 dark:text-emerald-300' },
  block: { stripe: 'bg-sky-500', text: 'text-sky-800 dark:text-sky-300' },
  device: { stripe: 'bg-violet-500', text: 'text-violet-800 dark:text-violet-300' },
  migration: { stripe: 'bg-orange-500', text: 'text-orange-800 dark:text-orange-300' },
  guest: { stripe: 'bg-pink-500', text: 'text-pink-800 dark:text-pink-300' },
  display: { stripe: 'bg-teal-500', text: 'text-teal-800 dark:text-teal-300' },
  bridge: { stripe: 'bg-zinc-400', text: 'text-zinc-700 dark:text-zinc-300' },
  other: { stripe: 'bg-zinc-300', text: 'text-zinc-700 dark:text-zinc-300' },
};
