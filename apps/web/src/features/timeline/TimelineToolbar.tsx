/** Filters of the timeline (name, free text, kinds) and the export of what is shown. */
import { useId, useState } from 'react';
import { type EventFilter, eventCountText, isFiltering } from './event-filter.ts';
import { EVENT_KINDS, type EventKind, KIND_COLOURS } from './event-kind.ts';

interface TimelineToolbarProps {
  filter: EventFilter;
  onChange(filter: EventFilter): void;
  shownCount: number;
  totalCount: number;
  /** False while older events exist on the bridge that are not loaded. */
  complete: boolean;
  exporting: boolean;
  onExport(): void;
}

export function TimelineToolbar({
  filter,
  onChange,
  shownCount,
  totalCount,
  complete,
  exporting,
  onExport,
}: TimelineToolbarProps) {
  const toggleKind = (kind: EventKind) => {
    const hidden = new Set(filter.hiddenKinds);
    if (hidden.has(kind)) hidden.delete(kind);
    else hidden.add(kind);
    onChange({ ...filter, hiddenKinds: hidden });
  };
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const filtering = isFiltering(filter);
  const input =
    'w-full rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-900';
  // A narrow screen shows one line (Filters, the count, Export) until the person opens the filters; a wide
  // one shows them all. The kinds wrap rather than scroll, so none is cut at the edge.
  const shownWhenOpen = open ? 'flex' : 'hidden sm:flex';
  return (
    <div className="flex flex-col gap-2 border-b border-zinc-200 p-2 dark:border-zinc-800">
      <div className="flex flex-wrap items-end gap-2">
        <button
          type="button"
          aria-expanded={open}
          aria-controls={panelId}
          onClick={() => setOpen((shown) => !shown)}
          className="shrink-0 rounded-md px-2 py-1 text-sm ring-1 ring-inset ring-zinc-300 sm:hidden dark:ring-zinc-700"
        >
          Filters{filtering ? ' (on)' : ''}
        </button>
        <div
          id={panelId}
          className={`${shownWhenOpen} order-last min-w-0 basis-full items-end gap-2 sm:order-none sm:flex-1 sm:basis-auto`}
        >
          <label className="flex min-w-0 flex-1 flex-col text-xs text-zinc-600 dark:text-zinc-400">
            Event name
            <input
              className={input}
              value={filter.name}
              placeholder="e.g. STOP, TRAY"
              onChange={(e) => onChange({ ...filter, name: e.target.value })}
            />
          </label>
          <label className="flex min-w-0 flex-1 flex-col text-xs text-zinc-600 dark:text-zinc-400">
            Search data
            <input
              className={input}
              value={filter.text}
              placeholder="text in data, meaning or cause"
              onChange={(e) => onChange({ ...filter, text: e.target.value })}
            />
          </label>
        </div>
        <span className="ml-auto shrink-0 self-center text-xs text-zinc-500 tabular-nums sm:self-end sm:pb-1.5">
          {eventCountText(shownCount, totalCount, complete)}
        </span>
        <button
          type="button"
          onClick={onExport}
          disabled={exporting}
          className="shrink-0 rounded-md px-2 py-1 text-sm ring-1 ring-inset ring-zinc-300 hover:bg-zinc-50 sm:px-3 dark:ring-zinc-700 dark:hover:bg-zinc-800"
        >
          {/* The full name stays for assistive technology; narrow screens show the short word. */}
          Export<span className="sr-only sm:not-sr-only"> JSON lines</span>
        </button>
      </div>
      <fieldset className={`${shownWhenOpen} min-w-0 flex-wrap items-center gap-1`} data-testid="event-kinds">
        <legend className="sr-only">Event kinds shown</legend>
        {EVENT_KINDS.map(({ kind, label }) => {
          const shown = !filter.hiddenKinds.has(kind);
          return (
            <button
              key={kind}
              type="button"
              aria-pressed={shown}
              onClick={() => toggleKind(kind)}
              className={`inline-flex shrink-0 items-center gap-1 rounded-full px-2 py-0.5 text-xs ring-1 ring-inset ring-zinc-300 dark:ring-zinc-700 ${shown ? '' : 'opacity-40 line-through'}`}
            >
              <span className={`h-2 w-2 rounded-full ${KIND_COLOURS[kind].stripe}`} aria-hidden="true" />
              {label}
            </button>
          );
        })}
      </fieldset>
    </div>
  );
}
