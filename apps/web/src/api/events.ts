/** The stored event history of a VM, paged by seq. */
import { EventPage } from '@qmpdeck/protocol';
import { fetchJson } from './http.ts';

export function fetchEventPage(vm: string, after: number, limit: number) {
  const query = new URLSearchParams({ after: String(after), limit: String(limit) });
  return fetchJson(`/api/vms/${encodeURIComponent(vm)}/events?${query}`, EventPage);
}
