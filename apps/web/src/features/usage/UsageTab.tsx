/**
 * The Usage tab: CPU, memory, disk and network of the VM over an hour, a day, a week, a month or a year, from
 * the bridge's history. The hour grows live with every `usage` message (the cache writer appends it); longer
 * ranges are asked again once per step of theirs, as their newest point changes no faster.
 */
import type { MetricsRange, Vm } from '@qmpdeck/protocol';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { fetchMetrics } from '../../api/metrics.ts';
import { queryKeys } from '../../api/queryKeys.ts';
import type { RequestError } from '../../api/request-error.ts';
import { RangePicker } from './RangePicker.tsx';
import { UsageChart } from './UsageChart.tsx';
import { alignLines, CHARTS, chartSeries, formatMemory, formatValue } from './usage-charts.ts';

/** Longer ranges are asked again at most this often (their step, but no less). */
const MIN_REFRESH_MS = 60_000;

export default function UsageTab({ vm }: { vm: Vm }) {
  const [range, setRange] = useState<MetricsRange>('hour');
  const history = useQuery<Awaited<ReturnType<typeof fetchMetrics>>, RequestError>({
    queryKey: queryKeys.metrics(vm.id, range),
    queryFn: () => fetchMetrics(vm.id, range),
    staleTime: range === 'hour' ? Number.POSITIVE_INFINITY : MIN_REFRESH_MS,
    refetchInterval: (query) =>
      range === 'hour' ? false : Math.max(MIN_REFRESH_MS, (query.state.data?.step ?? 0) * 1000),
  });
  const charts = useMemo(() => {
    if (!history.data) return [];
    const series = chartSeries(history.data);
    const names = Object.keys(series);
    return CHARTS.map((spec) => {
      const lines = spec.lines(names);
      return { spec, lines, data: alignLines(series, lines, spec.divisor) };
    }).filter((chart) => chart.lines.length > 0);
  }, [history.data]);

  return (
    <div className="flex min-h-0 flex-1 flex-col gap-3 overflow-auto p-3">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <RangePicker value={range} onChange={setRange} />
        <p className="text-sm text-zinc-600 dark:text-zinc-400" data-testid="usage-now">
          {vm.usage
            ? `Now: CPU ${formatValue(vm.usage.cpu, '%')} · memory ${formatMemory(vm.usage.memory)}`
            : 'Not sampled now (the VM is not connected, or its QEMU runs on another host)'}
        </p>
      </div>
      {history.error ? (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          {history.error.class}: {history.error.desc}
        </p>
      ) : history.isPending ? (
        <p className="text-sm text-zinc-500">Loading…</p>
      ) : charts.length === 0 ? (
        <p className="text-sm text-zinc-500">No samples in this range yet.</p>
      ) : (
        <div className="grid gap-3 lg:grid-cols-2">
          {charts.map((chart) => (
            <UsageChart key={chart.spec.id} spec={chart.spec} lines={chart.lines} data={chart.data} />
          ))}
        </div>
      )}
    </div>
  );
}
