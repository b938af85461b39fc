/**
 * One chart of the Usage tab, drawn by uPlot (small and fast; this file and uPlot load only with the tab): its
 * lines on a time axis, values in the chart's unit in the legend as the pointer moves, colours for light and dark,
 * redrawn in place as new points arrive and resized with its box.
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { type AlignedData, type ChartLine, type ChartSpec, formatValue } from './usage-charts.ts';
import { useDarkMode } from './useDarkMode.ts';

const HEIGHT = 180;
const LIGHT = ['#0369a1', '#d97706', '#059669', '#be123c', '#7c3aed', '#4d7c0f', '#0e7490', '#a21caf'];
const DARK = ['#38bdf8', '#fbbf24', '#34d399', '#fb7185', '#a78bfa', '#a3e635', '#22d3ee', '#e879f9'];

interface UsageChartProps {
  spec: ChartSpec;
  lines: readonly ChartLine[];
  data: AlignedData;
}

export function UsageChart({ spec, lines, data }: UsageChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const dark = useDarkMode();
  // The points of the first draw; later ones go through setData below.
  const current = useRef(data);
  current.current = data;
  // A new chart only when what it draws changes (its lines, the theme): new points never rebuild it.
  const shape = lines.map((line) => line.series).join(',');

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    // A chart's lines follow from their series names alone.
    const options = chartOptions(spec, spec.lines(shape.split(',')), dark);
    const chart = new uPlot(
      { ...options, width: element.clientWidth || 400 },
      current.current as uPlot.AlignedData,
      element,
    );
    plot.current = chart;
    const resize = new ResizeObserver(() => chart.setSize({ width: element.clientWidth, height: HEIGHT }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
      plot.current = null;
    };
  }, [spec, dark, shape]);

  useEffect(() => {
    plot.current?.setData(data as uPlot.AlignedData);
  }, [data]);

  const latest = lines.map((line, i) => {
    const column = data[i + 1] ?? [];
    let value: number | null = null;
    for (let j = column.length - 1; j >= 0 && value === null; j--) value = column[j] ?? null;
    return `${line.label} ${formatValue(value, spec.unit)}`;
  });
  return (
    <section
      aria-label={`${spec.title} chart`}
      className="flex min-w-0 flex-col gap-1 rounded-lg border border-zinc-200 p-3 dark:border-zinc-800"
      data-testid={`usage-chart-${spec.id}`}
      data-points={data[0].length}
    >
      <h3 className="text-sm font-semibold">
        {spec.title} <span className="font-normal text-zinc-500 dark:text-zinc-400">({spec.unit})</span>
      </h3>
      <p className="sr-only">Latest: {latest.join(', ')}</p>
      <div ref={box} className="usage-chart min-w-0 text-xs" />
    </section>
  );
}

function chartOptions(
  spec: ChartSpec,
  lines: readonly ChartLine[],
  dark: boolean,
): Omit<uPlot.Options, 'width'> {
  const palette = dark ? DARK : LIGHT;
  const text = dark ? '#a1a1aa' : '#52525b';
  const grid = dark ? '#27272a' : '#e4e4e7';
  const axis: uPlot.Axis = {
    stroke: text,
    grid: { stroke: grid, width: 1 },
    ticks: { stroke: grid, width: 1 },
  };
  return {
    height: HEIGHT,
    cursor: { drag: { x: false, y: false } },
    scales: { y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
    axes: [axis, { ...axis, size: 56, values: (_u, ticks) => ticks.map((tick) => compact(tick)) }],
    series: [
      {},
      ...lines.map((line, i) => ({
        label: line.label,
        stroke: palette[i % palette.length],
        width: 1.5,
        ...(line.series.startsWith('max:') ? { dash: [4, 4] } : {}),
        spanGaps: false,
        value: (_u: uPlot, value: number | null) => formatValue(value, spec.unit),
      })),
    ],
  };
}

/** Axis ticks: short (1.5k, 20, 0.25, 0.0004). */
export function compact(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1000) return `${(value / 1000).toFixed(value % 1000 === 0 ? 0 : 1)}k`;
  if (Number.isInteger(value)) return String(value);
  if (abs >= 1) return value.toFixed(1);
  // Small rates (bytes of an idle NIC in MB/s) keep their first significant digits.
  return String(Number(value.toPrecision(2)));
}
