/**
 * What the Usage tab draws, from the bridge's series (packages/protocol/src/metrics.ts): which series go on which
 * chart, in which unit people read (%, MiB, MB/s, operations and packets per second), and the series of one chart
 * lined up on one time axis as uPlot takes them. Pure, so the units and the alignment are tested without a canvas.
 */
import type { MetricsResponse } from '@qmpdeck/protocol';

export interface ChartLine {
  /** The bridge's series name (`disk.vda.read`). */
  series: string;
  label: string;
}

export interface ChartSpec {
  id: string;
  title: string;
  unit: string;
  /** Bytes to MiB, bytes to MB... */
  divisor: number;
  /** The lines of this chart among the series there are. */
  lines(names: readonly string[]): ChartLine[];
}

const MiB = 1024 * 1024;
const MB = 1_000_000;

/** Per-device series (`disk.<drive>.<kind>`, `net.<interface>.<kind>`) of the given kinds, by device then kind. */
function perDevice(prefix: 'disk' | 'net', kinds: readonly [string, string][]) {
  return (names: readonly string[]): ChartLine[] => {
    const devices = new Set<string>();
    for (const name of names) {
      if (!name.startsWith(`${prefix}.`)) continue;
      const kind = name.slice(name.lastIndexOf('.') + 1);
      if (kinds.some(([k]) => k === kind)) devices.add(name.slice(prefix.length + 1, name.lastIndexOf('.')));
    }
    return [...devices]
      .sort()
      .flatMap((device) =>
        kinds
          .filter(([kind]) => names.includes(`${prefix}.${device}.${kind}`))
          .map(([kind, label]) => ({ series: `${prefix}.${device}.${kind}`, label: `${device} ${label}` })),
      );
  };
}

function fixed(lines: ChartLine[]) {
  return (names: readonly string[]) => lines.filter((line) => names.includes(line.series));
}

export const CHARTS: readonly ChartSpec[] = [
  {
    id: 'cpu',
    title: 'CPU',
    unit: '%',
    divisor: 1,
    lines: fixed([
      { series: 'cpu', label: 'QEMU process' },
      { series: 'cpu.vcpus', label: 'vCPUs' },
      // Ranges of averages also carry each step's peak.
      { series: 'max:cpu', label: 'QEMU process, peak' },
    ]),
  },
  {
    id: 'memory',
    title: 'Memory',
    unit: 'MiB',
    divisor: MiB,
    lines: fixed([
      { series: 'memory', label: 'QEMU resident' },
      { series: 'memory.balloon', label: 'balloon' },
      { series: 'memory.guest.total', label: 'guest total' },
      { series: 'memory.guest.used', label: 'guest used' },
    ]),
  },
  {
    id: 'disk',
    title: 'Disk',
    unit: 'MB/s',
    divisor: MB,
    lines: perDevice('disk', [
      ['read', 'read'],
      ['write', 'write'],
    ]),
  },
  {
    id: 'disk-ops',
    title: 'Disk operations',
    unit: 'ops/s',
    divisor: 1,
    lines: perDevice('disk', [
      ['readOps', 'reads'],
      ['writeOps', 'writes'],
    ]),
  },
  {
    id: 'network',
    title: 'Network',
    unit: 'MB/s',
    divisor: MB,
    lines: perDevice('net', [
      ['rx', 'received'],
      ['tx', 'sent'],
    ]),
  },
  {
    id: 'packets',
    title: 'Network packets',
    unit: 'packets/s',
    divisor: 1,
    lines: perDevice('net', [
      ['rxPackets', 'received'],
      ['txPackets', 'sent'],
    ]),
  },
];

/** A range's averages and, for consolidated ranges, its maxima as `max:<series>`: the series a chart picks from. */
export function chartSeries(response: MetricsResponse): MetricsResponse['series'] {
  if (!response.max) return response.series;
  const series = { ...response.series };
  for (const [name, points] of Object.entries(response.max)) series[`max:${name}`] = points;
  return series;
}

/** uPlot's data: the time axis, then one array per line, `null` where that line has no point. */
export type AlignedData = [number[], ...(number | null)[][]];

/** The lines' points on one shared time axis (every time any of them has a point), in the chart's unit. */
export function alignLines(
  series: MetricsResponse['series'],
  lines: readonly ChartLine[],
  divisor: number,
): AlignedData {
  const times = new Set<number>();
  for (const line of lines) for (const [t] of series[line.series] ?? []) times.add(t);
  const axis = [...times].sort((a, b) => a - b);
  const index = new Map(axis.map((t, i) => [t, i]));
  const columns = lines.map((line) => {
    const column: (number | null)[] = new Array(axis.length).fill(null);
    for (const [t, value] of series[line.series] ?? []) {
      column[index.get(t) as number] = value === null ? null : value / divisor;
    }
    return column;
  });
  return [axis, ...columns];
}

/** A value in a chart's unit, as the legend shows it on hover. */
export function formatValue(value: number | null | undefined, unit: string): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return `${value.toFixed(digits)} ${unit}`;
}

/** Bytes as people read memory: `512 MiB`, `1.5 GiB`. */
export function formatMemory(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return '—';
  if (bytes >= 1024 * MiB) return `${(bytes / (1024 * MiB)).toFixed(1)} GiB`;
  return `${Math.round(bytes / MiB)} MiB`;
}
