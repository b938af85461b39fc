/** A job in words and as a percentage. */
import type { Job } from '@qmpdeck/protocol';
import { describe, expect, it } from 'vitest';
import { combinedPercent, jobPercent } from './job-progress.ts';
import { jobProgressText } from './job-words.ts';

const MiB = 1024 ** 2;
const job = (change: Partial<Job>): Job => ({
  id: 'j1',
  vm: null,
  kind: 'download',
  status: 'running',
  progress: null,
  startedAt: 0,
  ...change,
});

describe('jobProgressText', () => {
  it('says how far, how fast and how long still', () => {
    expect(
      jobProgressText(
        job({ progress: { current: 90 * MiB, total: 200 * MiB }, rate: 50 * MiB, timeLeft: 2.2 }),
      ),
    ).toBe('45% · 90 MiB of 200 MiB · 50 MiB/s · 2 s left');
  });

  it('says how it ended, with the error', () => {
    expect(jobProgressText(job({ status: 'failed', error: 'HTTP 404 from the server' }))).toBe(
      'failed: HTTP 404 from the server',
    );
    expect(jobProgressText(job({ status: 'done' }))).toBe('done');
  });

  it('reads as starting before any progress, and counts bytes only for transfers', () => {
    expect(jobProgressText(job({}))).toBe('starting…');
    expect(jobProgressText(job({ kind: 'snapshot-save', progress: { current: 3, total: 10 } }))).toBe(
      '30% · 3 of 10',
    );
  });
});

describe('percentages', () => {
  it('is null without a total, 100 once done', () => {
    expect(jobPercent(job({ progress: { current: 5, total: 0 } }))).toBeNull();
    expect(jobPercent(job({ status: 'done', progress: null }))).toBe(100);
  });

  it('adds several jobs up by their units, not by averaging percentages', () => {
    const small = job({ progress: { current: 10, total: 10 } });
    const large = job({ progress: { current: 0, total: 90 } });
    expect(combinedPercent([small, large])).toBe(10);
  });
});
