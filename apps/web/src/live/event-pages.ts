/**
 * The timeline's cache of one VM: TanStack Query's infinite data, one page per
 * `GET /events?before=` answer (oldest page first), with the live events from
 * the socket appended to the newest page. Pages hold ascending, distinct seqs
 * and never overlap, so the whole history is the pages laid end to end. A
 * replay after a reconnect may overlap what is there; then the pages are merged
 * into one. A VM's timeline can hold 100,000 events: appends are cheap, the
 * flat list is computed once per change, and memory is capped.
 */
import type { EventPage, EventRecord } from '@qmpdeck/protocol';
import type { InfiniteData } from '@tanstack/react-query';

/** Where a page of history ends (`before`, exclusive) and how many events it asks for. */
export interface PageParam {
  before: number;
  limit: number;
}

/** One answer of the events route, and whether the bridge holds events older than its first. */
export interface TimelinePage extends EventPage {
  olderExist: boolean;
}

export type EventPages = InfiniteData<TimelinePage, PageParam>;

/** Past this many events the oldest pages are dropped from memory (they stay on the bridge). */
export const MAX_EVENTS_IN_MEMORY = 200_000;

/** A fetched page as the cache keeps it: a full page may have older ones before it, a short one has none. */
export function timelinePage(page: EventPage, asked: PageParam): TimelinePage {
  const first = page.events[0]?.seq ?? 0;
  return { ...page, olderExist: page.events.length >= asked.limit && first > 1 };
}

/** Where the page before the first one ends, or undefined when the first page is the start of history. */
export function olderPageParam(first: TimelinePage, limit: number): PageParam | undefined {
  const oldest = first.events[0]?.seq;
  return first.olderExist && oldest !== undefined ? { before: oldest, limit } : undefined;
}

const flatCache = new WeakMap<EventPages, readonly EventRecord[]>();

/** Every cached event, ascending by seq (computed once per version of the data). */
export function flattenEvents(data: EventPages | undefined): readonly EventRecord[] {
  if (!data) return [];
  const cached = flatCache.get(data);
  if (cached) return cached;
  const flat = data.pages.length === 1 ? (data.pages[0]?.events ?? []) : data.pages.flatMap((p) => p.events);
  flatCache.set(data, flat);
  return flat;
}

/** The newest seq the cache knows of: its newest event, or the bridge's lastSeq when that is higher. */
export function newestSeq(data: EventPages | undefined): number | null {
  if (!data || data.pages.length === 0) return null;
  let newest = 0;
  for (const page of data.pages) newest = Math.max(newest, page.lastSeq, page.events.at(-1)?.seq ?? 0);
  return newest;
}

function sortedUnique(events: readonly EventRecord[]): EventRecord[] {
  const bySeq = new Map<number, EventRecord>();
  for (const event of events) bySeq.set(event.seq, event);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

function capped(data: EventPages): EventPages {
  let total = data.pages.reduce((sum, page) => sum + page.events.length, 0);
  if (total <= MAX_EVENTS_IN_MEMORY) return data;
  const pages = [...data.pages];
  const pageParams = [...data.pageParams];
  while (pages.length > 1 && total - (pages[0]?.events.length ?? 0) >= MAX_EVENTS_IN_MEMORY) {
    total -= pages.shift()?.events.length ?? 0;
    pageParams.shift();
  }
  const first = pages[0];
  if (!first) return data;
  const excess = total - MAX_EVENTS_IN_MEMORY;
  pages[0] = { ...first, events: excess > 0 ? first.events.slice(excess) : first.events, olderExist: true };
  return { pages, pageParams };
}

/**
 * The cache with `incoming` events added: appended to the newest page when they are all newer (the live case),
 * else merged with everything, without duplicates. Without a cache yet (history could not be loaded), the live
 * events become its only page.
 */
export function appendEvents(
  data: EventPages | undefined,
  incoming: readonly EventRecord[],
  liveParam: PageParam,
): EventPages {
  const fresh = sortedUnique(incoming);
  const freshLast = fresh.at(-1)?.seq ?? 0;
  if (!data || data.pages.length === 0) {
    return capped({
      pages: [{ events: fresh, lastSeq: freshLast, olderExist: false }],
      pageParams: [liveParam],
    });
  }
  if (fresh.length === 0) return data;
  const all = flattenEvents(data);
  const last = all.at(-1)?.seq ?? 0;
  const newest = data.pages[data.pages.length - 1] as TimelinePage;
  if ((fresh[0]?.seq ?? 0) > last) {
    const grown: TimelinePage = {
      ...newest,
      events: [...newest.events, ...fresh],
      lastSeq: Math.max(newest.lastSeq, freshLast),
    };
    return capped({ pages: [...data.pages.slice(0, -1), grown], pageParams: data.pageParams });
  }
  const first = data.pages[0] as TimelinePage;
  const merged = sortedUnique([...all, ...fresh]);
  return capped({
    pages: [
      {
        events: merged,
        lastSeq: Math.max(newestSeq(data) ?? 0, freshLast),
        olderExist: first.olderExist,
      },
    ],
    pageParams: [data.pageParams[0] ?? liveParam],
  });
}
