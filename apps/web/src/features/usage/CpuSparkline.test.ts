import { describe, expect, it } from 'vitest';
import { shortPercent, sparklinePath } from './CpuSparkline.tsx';

describe('sparklinePath', () => {
  it('spreads less than an hour over the whole width, breaks at gaps, and clips values above the top', () => {
    expect(
      sparklinePath(
        [
          [0, 0],
          [30, 100],
          [60, null],
          [90, 250],
          [120, 50],
        ],
        100,
      ),
    ).toBe('M0.0 17.0L18.0 1.0M54.0 1.0L72.0 9.0');
    expect(sparklinePath([], 100)).toBe('');
  });

  it('draws only the last hour of longer histories', () => {
    const path = sparklinePath(
      [
        [0, 10],
        [3600, 10],
        [7200, 10],
      ],
      100,
    );
    expect(path).toBe('M0.0 15.4L72.0 15.4');
  });

  it('writes CPU short', () => {
    expect(shortPercent(3.21)).toBe('3.2 %');
    expect(shortPercent(57.4)).toBe('57 %');
    expect(shortPercent(null)).toBe('—');
  });
});
