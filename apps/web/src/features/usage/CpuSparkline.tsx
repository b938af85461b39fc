/**
 * An overview row's usage: the QEMU process's CPU over the last hour as a small line, and its memory now. The hour
 * is fetched once (only the `cpu` series); each `vm` message's `usage` adds its point (live/cache-writer.ts), so
 * the overview subscribes to no VM for it. A VM that is not sampled shows a dash.
 */
import type { Vm } from '@qmpdeck/protocol';
import { useQuery } from '@tanstack/react-query';
import { fetchMetrics } from '../../api/metrics.ts';
import { queryKeys } from '../../api/queryKeys.ts';
import { formatMemory, formatValue } from './usage-charts.ts';

const WIDTH = 72;
const HEIGHT = 18;
const SPARKLINE_STALE_MS = 5 * 60_000;

export function UsageSummary({ vm }: { vm: Vm }) {
  const sampled = vm.usage != null;
  const history = useQuery({
    queryKey: queryKeys.metrics(vm.id, 'hour', 'cpu'),
    queryFn: () => fetchMetrics(vm.id, 'hour', ['cpu']),
    enabled: sampled,
    staleTime: SPARKLINE_STALE_MS,
  });
  if (!sampled) return <span className="text-zinc-400">—</span>;
  const points = history.data?.series.cpu ?? [];
  const peak = Math.max(0, ...points.map(([, value]) => value ?? 0));
  return (
    <span className="flex items-center gap-2" data-testid="vm-usage">
      <svg
        width={WIDTH}
        height={HEIGHT}
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-label={`CPU over the last hour, peak ${formatValue(peak, '%')}`}
        className="shrink-0 text-sky-700 dark:text-sky-400"
        data-testid="cpu-sparkline"
        data-points={points.length}
      >
        <title>{`CPU over the last hour (peak ${formatValue(peak, '%')})`}</title>
        <path
          d={sparklinePath(points, Math.max(100, peak))}
          fill="none"
          stroke="currentColor"
          strokeWidth="1.2"
        />
      </svg>
      <span className="truncate tabular-nums" title="CPU now (% of one host core) · QEMU's resident memory">
        {shortPercent(vm.usage?.cpu)} · {formatMemory(vm.usage?.memory)}
      </span>
    </span>
  );
}

/** CPU for a narrow cell: `3.2 %`, `57 %`. */
export function shortPercent(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return `${value.toFixed(value < 10 ? 1 : 0)} %`;
}

/**
 * The points as an SVG path (time to x, value to y with `top` at the top), broken where a point is null: the
 * last hour, or from the first point when there is less (a VM sampled for a minute fills the line, not its end).
 */
export function sparklinePath(points: readonly [number, number | null][], top: number): string {
  const last = points[points.length - 1]?.[0];
  const first = points[0]?.[0];
  if (last === undefined || first === undefined) return '';
  const from = Math.max(first, last - 3600);
  const span = Math.max(1, last - from);
  let path = '';
  let drawing = false;
  for (const [t, value] of points) {
    if (t < from || value === null) {
      drawing = false;
      continue;
    }
    const x = ((t - from) / span) * WIDTH;
    const y = HEIGHT - 1 - (Math.min(value, top) / top) * (HEIGHT - 2);
    path += `${drawing ? 'L' : 'M'}${x.toFixed(1)} ${y.toFixed(1)}`;
    drawing = true;
  }
  return path;
}
