/** Filters of the timeline (name, free text, kinds) and the export of what is shown. */

import { type EventFilter, eventCountText } from './event-filter.ts';
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
  const input =
    'w-full rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-900';
  return (
    <div className="flex flex-col gap-2 border-b border-zinc-200 p-2 dark:border-zinc-800">
      <div className="flex items-end gap-2">
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
      <div className="flex items-center gap-2">
        {/* On a narrow screen the kinds scroll sideways in one line instead of taking three. */}
        <fieldset className="flex min-w-0 flex-1 items-center gap-1 overflow-x-auto sm:flex-wrap">
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
        <span className="shrink-0 text-xs text-zinc-500 tabular-nums">
          {eventCountText(shownCount, totalCount, complete)}
        </span>
      </div>
    </div>
  );
}
