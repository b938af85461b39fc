/**
 * One event in the timeline: coloured by kind, name, meaning, cause, absolute
 * and relative time; expands to the event's data as formatted JSON. From the
 * `sm` width on, collapsed rows have a fixed height; below it they wrap (and
 * are measured once when they appear), so streaming events still append
 * without moving the rows above.
 */
import type { EventRecord } from '@qmpdeck/protocol';
import { memo } from 'react';
import { eventKind, KIND_COLOURS } from './event-kind.ts';
import { causeLine, eventCause, eventMeaning, type ResumedFrom } from './event-meaning.ts';
import { formatAgo, formatClock, formatFull } from './event-time.ts';

export const COLLAPSED_ROW_HEIGHT = 52;

interface EventRowProps {
  event: EventRecord;
  /** For a RESUME: what the VM resumed from (see resumed-from.ts). */
  resumedFrom?: ResumedFrom;
  expanded: boolean;
  now: number;
  onToggle(seq: number): void;
}

export const EventRow = memo(function EventRow({
  event,
  resumedFrom,
  expanded,
  now,
  onToggle,
}: EventRowProps) {
  const colours = KIND_COLOURS[eventKind(event.event)];
  const cause = causeLine(eventCause(event));
  return (
    <div className="flex border-b border-zinc-100 dark:border-zinc-800/80" data-testid="timeline-event">
      <div className={`w-1 shrink-0 ${colours.stripe}`} aria-hidden="true" />
      <div className="min-w-0 flex-1 px-3 py-1.5">
        <button
          type="button"
          onClick={() => onToggle(event.seq)}
          aria-expanded={expanded}
          className="flex w-full min-w-0 flex-col items-stretch rounded text-left sm:h-[36px]"
        >
          {/* Narrow screens: name and time, then the meaning and cause wrapped in full below (a few letters
              of meaning tell nothing). Wider ones: one line each, truncated, so every row has the same height. */}
          <span className="flex min-w-0 flex-wrap items-baseline gap-x-2 sm:flex-nowrap">
            <span className={`min-w-0 font-mono text-sm font-semibold break-all sm:shrink-0 ${colours.text}`}>
              {event.event}
            </span>
            <span
              data-testid="event-meaning"
              className="order-last basis-full text-sm text-zinc-700 sm:order-none sm:min-w-0 sm:flex-1 sm:basis-auto sm:truncate dark:text-zinc-300"
            >
              {eventMeaning(event, resumedFrom)}
            </span>
            <time
              dateTime={new Date(event.timestamp.seconds * 1000).toISOString()}
              title={formatFull(event.timestamp)}
              className="ml-auto shrink-0 font-mono text-xs tabular-nums text-zinc-500 dark:text-zinc-400"
            >
              {formatClock(event.timestamp)}
              <span className="hidden sm:inline"> · {formatAgo(event.timestamp, now)}</span>
            </time>
          </span>
          <span className="text-xs break-words text-zinc-500 sm:truncate dark:text-zinc-400">
            #{event.seq}
            {cause ? ` · ${cause}` : ''}
          </span>
        </button>
        {expanded && (
          <pre className="mt-1 max-h-80 overflow-auto rounded bg-zinc-50 p-2 font-mono text-xs text-zinc-800 dark:bg-zinc-900 dark:text-zinc-200">
            {JSON.stringify(
              {
                event: event.event,
                data: event.data ?? {},
                timestamp: event.timestamp,
                cause: event.cause ?? null,
              },
              null,
              2,
            )}
          </pre>
        )}
      </div>
    </div>
  );
});
