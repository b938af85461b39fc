/** A VM's usage history (`GET /api/vms/:id/metrics`); kept live for the hour range by `usage` messages. */
import { type MetricsRange, MetricsResponse } from '@qmpdeck/protocol';
import { fetchJson } from './http.ts';

export function fetchMetrics(vm: string, range: MetricsRange, series?: readonly string[]) {
  const query = new URLSearchParams({ range });
  if (series && series.length > 0) query.set('series', series.join(','));
  return fetchJson(`/api/vms/${encodeURIComponent(vm)}/metrics?${query}`, MetricsResponse);
}
