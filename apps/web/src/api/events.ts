/**
 * The stored event history of a VM, paged back in time with `before=`: the
 * newest `limit` events below a seq, oldest first.
 */
import { EventPage } from '@qmpdeck/protocol';
import { fetchJson } from './http.ts';

/**
 * `before` for "the newest events": the bridge takes any integer of at least 1, so the largest safe one asks
 * for the newest page in one request, without first asking what the last seq is.
 */
export const NEWEST = Number.MAX_SAFE_INTEGER;

export function fetchEventsBefore(vm: string, before: number, limit: number) {
  const query = new URLSearchParams({ before: String(before), limit: String(limit) });
  return fetchJson(`/api/vms/${encodeURIComponent(vm)}/events?${query}`, EventPage);
}
