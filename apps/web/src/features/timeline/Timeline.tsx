/**
 * The live timeline of a VM: virtualized (only the visible rows exist, so
 * 100,000 events scroll smoothly), newest at the bottom, following the newest
 * unless the person scrolled up, then offering "N new events". Scrolling to
 * the top loads older history, keeping the view where it was.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useDeferredValue, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { downloadText } from '../../ui/download.ts';
import { COLLAPSED_ROW_HEIGHT, EventRow } from './EventRow.tsx';
import { countAfter, type EventFilter, filterEvents, noFilter, toJsonLines } from './event-filter.ts';
import { indexOfSeq, resumedFrom } from './resumed-from.ts';
import { TimelineToolbar } from './TimelineToolbar.tsx';
import { useNow } from './useNow.ts';
import { useTimelineEvents } from './useTimelineEvents.ts';

/** Within this many pixels of the bottom counts as "at the newest". */
const BOTTOM_SLACK = 24;
const TOP_LOAD_ZONE = 300;

export function Timeline({ vmId }: { vmId: string }) {
  const { events, hasOlder, isLoading, error, loadOlder, loadAll, loadingOlder, olderError } =
    useTimelineEvents(vmId);
  const [filter, setFilter] = useState<EventFilter>(noFilter);
  const deferredFilter = useDeferredValue(filter);
  const shown = useMemo(() => filterEvents(events, deferredFilter), [events, deferredFilter]);
  const [expanded, setExpanded] = useState<ReadonlySet<number>>(() => new Set());
  const now = useNow(10_000);
  const scrollRef = useRef<HTMLDivElement>(null);
  const [following, setFollowing] = useState(true);
  /** The newest seq the person had seen when they scrolled away. */
  const [seenSeq, setSeenSeq] = useState<number | null>(null);

  const virtualizer = useVirtualizer({
    count: shown.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => COLLAPSED_ROW_HEIGHT,
    getItemKey: (index) => shown[index]?.seq ?? index,
    overscan: 12,
  });

  const toggle = useCallback((seq: number) => {
    setExpanded((current) => {
      const next = new Set(current);
      if (next.has(seq)) next.delete(seq);
      else next.add(seq);
      return next;
    });
  }, []);

  const scrollToNewest = useCallback(() => {
    const element = scrollRef.current;
    if (element) element.scrollTop = element.scrollHeight;
    setFollowing(true);
    setSeenSeq(null);
  }, []);

  // Follow the newest; or, when older events were put in front, keep the rows in view where they were.
  const firstShown = shown[0]?.seq ?? null;
  const lastShown = shown[shown.length - 1]?.seq ?? null;
  const anchor = useRef<{ first: number | null; fromBottom: number }>({ first: null, fromBottom: 0 });
  // Rows grow when opened or measured: following the newest must follow that too.
  const totalSize = virtualizer.getTotalSize();
  // biome-ignore lint/correctness/useExhaustiveDependencies: it must run again whenever events arrive, to follow them
  useLayoutEffect(() => {
    const element = scrollRef.current;
    if (!element) return;
    if (following) element.scrollTop = element.scrollHeight;
    else if (anchor.current.first !== null && firstShown !== anchor.current.first) {
      element.scrollTop = element.scrollHeight - anchor.current.fromBottom;
    }
    anchor.current = { first: firstShown, fromBottom: element.scrollHeight - element.scrollTop };
  }, [following, firstShown, lastShown, shown.length, totalSize]);

  const onScroll = () => {
    const element = scrollRef.current;
    if (!element) return;
    anchor.current = { first: firstShown, fromBottom: element.scrollHeight - element.scrollTop };
    const atBottom = element.scrollHeight - element.scrollTop - element.clientHeight <= BOTTOM_SLACK;
    if (atBottom !== following) {
      setFollowing(atBottom);
      setSeenSeq(atBottom ? null : lastShown);
    }
    if (element.scrollTop < TOP_LOAD_ZONE && hasOlder && !loadingOlder) void loadOlder();
  };

  // A short history may not fill the view, so nothing can be scrolled to ask for more.
  useEffect(() => {
    const element = scrollRef.current;
    if (element && hasOlder && !loadingOlder && !isLoading && element.scrollHeight <= element.clientHeight) {
      void loadOlder();
    }
  }, [hasOlder, loadingOlder, isLoading, loadOlder]);

  const [exporting, setExporting] = useState(false);
  // "What is shown" means every stored event that passes the filter, so history not loaded yet is loaded first.
  const exportShown = async () => {
    setExporting(true);
    try {
      const all = await loadAll();
      if (all) downloadText(`${vmId}-events.jsonl`, toJsonLines(filterEvents(all, filter)));
    } finally {
      setExporting(false);
    }
  };

  const newCount = !following && seenSeq !== null ? countAfter(shown, seenSeq) : 0;

  return (
    <section aria-label="Timeline" data-testid="timeline" className="flex min-h-0 flex-1 flex-col">
      <TimelineToolbar
        filter={filter}
        onChange={setFilter}
        shownCount={shown.length}
        totalCount={events.length}
        complete={!hasOlder}
        exporting={exporting}
        onExport={() => void exportShown()}
      />
      <div className="h-6 px-3 text-xs leading-6 text-zinc-500" aria-live="polite">
        {isLoading && 'Loading history…'}
        {loadingOlder && 'Loading older events…'}
        {error && `History unavailable (${error.class}: ${error.desc}); showing live events.`}
        {olderError && `Older events unavailable (${olderError.class}: ${olderError.desc}).`}
        {!isLoading && !loadingOlder && !error && !olderError && !hasOlder && events.length > 0
          ? 'Start of history.'
          : ''}
      </div>
      <div className="relative min-h-0 flex-1">
        <div
          ref={scrollRef}
          onScroll={onScroll}
          className="absolute inset-0 overflow-y-auto overscroll-contain"
          data-testid="timeline-scroll"
        >
          <div className="relative w-full" style={{ height: totalSize }}>
            {virtualizer.getVirtualItems().map((item) => {
              const event = shown[item.index];
              if (!event) return null;
              return (
                <div
                  key={item.key}
                  data-index={item.index}
                  ref={virtualizer.measureElement}
                  className="absolute left-0 top-0 w-full"
                  style={{ transform: `translateY(${item.start}px)` }}
                >
                  <EventRow
                    event={event}
                    resumedFrom={
                      event.event === 'RESUME'
                        ? resumedFrom(events, indexOfSeq(events, event.seq))
                        : undefined
                    }
                    expanded={expanded.has(event.seq)}
                    now={now}
                    onToggle={toggle}
                  />
                </div>
              );
            })}
          </div>
          {shown.length === 0 && !isLoading && (
            <p className="p-6 text-center text-sm text-zinc-500">
              {events.length === 0 ? 'No events yet.' : 'No event matches the filter.'}
            </p>
          )}
        </div>
        {newCount > 0 && (
          <button
            type="button"
            onClick={scrollToNewest}
            className="absolute bottom-3 left-1/2 -translate-x-1/2 rounded-full bg-sky-700 px-3 py-1 text-sm text-white shadow-lg hover:bg-sky-600"
          >
            {newCount} new {newCount === 1 ? 'event' : 'events'}
          </button>
        )}
      </div>
    </section>
  );
}
