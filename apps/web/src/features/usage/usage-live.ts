/**
 * A `usage` message appended to a VM's hour of history already in the cache, as the bridge would answer it a
 * moment later: one more point per series, a `null` point before it when samples were missed (so a chart shows the
 * gap), and points older than an hour dropped. Nothing loaded yet: nothing to append to (the fetch brings it all).
 */
import { type MetricsResponse, RANGE_SECONDS, type UsageSample } from '@qmpdeck/protocol';

type Point = [number, number | null];

export function appendSample(
  current: MetricsResponse | undefined,
  sample: UsageSample,
  wanted: (series: string) => boolean = () => true,
): MetricsResponse | undefined {
  if (current === undefined || current.range !== 'hour') return current;
  const from = sample.time - RANGE_SECONDS.hour;
  const series: Record<string, Point[]> = {};
  for (const [name, points] of Object.entries(current.series)) {
    const kept = points.filter(([t]) => t >= from);
    if (kept.length > 0) series[name] = kept;
  }
  for (const [name, value] of Object.entries(sample.values)) {
    if (!wanted(name)) continue;
    const points = series[name] ?? [];
    const last = points[points.length - 1];
    if (last !== undefined && last[0] >= sample.time) continue;
    const next: Point[] = [...points];
    if (last !== undefined && sample.time - last[0] > current.step * 1.5)
      next.push([last[0] + current.step, null]);
    next.push([sample.time, value]);
    series[name] = next;
  }
  return { ...current, series };
}
