import type { MetricsResponse } from '@qmpdeck/protocol';
import { describe, expect, it } from 'vitest';
import { alignLines, CHARTS, formatMemory, formatValue } from './usage-charts.ts';
import { appendSample } from './usage-live.ts';

const chart = (id: string) => CHARTS.find((spec) => spec.id === id) as (typeof CHARTS)[number];

describe('usage charts', () => {
  it('puts each series on its chart, per drive and interface', () => {
    const names = [
      'cpu',
      'memory',
      'disk.vda.read',
      'disk.vda.write',
      'disk.cd0.read',
      'disk.vda.readOps',
      'net.eth0.rx',
    ];
    expect(chart('cpu').lines(names)).toEqual([{ series: 'cpu', label: 'QEMU process' }]);
    expect(
      chart('disk')
        .lines(names)
        .map((line) => line.label),
    ).toEqual(['cd0 read', 'vda read', 'vda write']);
    expect(
      chart('disk-ops')
        .lines(names)
        .map((line) => line.series),
    ).toEqual(['disk.vda.readOps']);
    expect(
      chart('network')
        .lines(names)
        .map((line) => line.label),
    ).toEqual(['eth0 received']);
    expect(chart('packets').lines(names)).toEqual([]);
  });

  it('lines series up on one time axis, in the chart unit, null where a series has no point', () => {
    const series: MetricsResponse['series'] = {
      memory: [
        [10, 1048576],
        [15, 2097152],
      ],
      'memory.balloon': [
        [15, 4194304],
        [20, null],
      ],
    };
    const lines = chart('memory').lines(Object.keys(series));
    expect(alignLines(series, lines, chart('memory').divisor)).toEqual([
      [10, 15, 20],
      [1, 2, null],
      [null, 4, null],
    ]);
  });

  it('writes values in units people read', () => {
    expect(formatValue(57.26, '%')).toBe('57.3 %');
    expect(formatValue(0.0123, 'MB/s')).toBe('0.012 MB/s');
    expect(formatValue(1234, 'ops/s')).toBe('1234 ops/s');
    expect(formatValue(null, '%')).toBe('—');
    expect(formatMemory(128 * 1024 * 1024)).toBe('128 MiB');
    expect(formatMemory(3 * 1024 ** 3)).toBe('3.0 GiB');
  });
});

describe('appendSample', () => {
  const hour: MetricsResponse = {
    range: 'hour',
    step: 5,
    series: {
      cpu: [
        [1000, 1],
        [1005, 2],
      ],
      memory: [[1000, 10]],
    },
  };

  it('adds the new point of each series, marking a gap of missed samples', () => {
    expect(appendSample(hour, { time: 1010, values: { cpu: 3, 'cpu.vcpus': 4 } })?.series).toEqual({
      cpu: [
        [1000, 1],
        [1005, 2],
        [1010, 3],
      ],
      memory: [[1000, 10]],
      'cpu.vcpus': [[1010, 4]],
    });
    expect(appendSample(hour, { time: 1030, values: { memory: 11 } })?.series.memory).toEqual([
      [1000, 10],
      [1005, null],
      [1030, 11],
    ]);
  });

  it('drops what is older than an hour, keeps only wanted series, ignores a sample it has', () => {
    const later = appendSample(
      hour,
      { time: 4603, values: { cpu: 9, memory: 12 } },
      (name) => name === 'cpu',
    );
    expect(later?.series).toEqual({
      cpu: [
        [1005, 2],
        [1010, null],
        [4603, 9],
      ],
    });
    expect(appendSample(hour, { time: 1005, values: { cpu: 7 } })?.series.cpu).toEqual(hour.series.cpu);
    expect(appendSample(undefined, { time: 1, values: {} })).toBeUndefined();
    expect(appendSample({ ...hour, range: 'day' }, { time: 1010, values: { cpu: 3 } })).toEqual({
      ...hour,
      range: 'day',
    });
  });
});
