/** The jobs list: one entry per job, newest first, and a late fetch never undoes what the socket said. */
import type { Job } from '@qmpdeck/protocol';
import { describe, expect, it } from 'vitest';
import { ENDED_KEPT, mergeJobs, upsertJob } from './job-list.ts';

const job = (id: string, change: Partial<Job> = {}): Job => ({
  id,
  vm: null,
  kind: 'download',
  status: 'running',
  progress: { current: 0, total: 100 },
  startedAt: Number(id.replace(/\D/g, '')) || 0,
  ...change,
});

describe('upsertJob', () => {
  it('replaces a job by id and keeps the newest first', () => {
    const list = upsertJob(upsertJob(undefined, job('j1')), job('j2'));
    expect(list.map((item) => item.id)).toEqual(['j2', 'j1']);
    const after = upsertJob(list, job('j1', { progress: { current: 50, total: 100 } }));
    expect(after.map((item) => [item.id, item.progress?.current])).toEqual([
      ['j2', 0],
      ['j1', 50],
    ]);
  });

  it(`keeps every running job but only the ${ENDED_KEPT} newest ended ones`, () => {
    let list: Job[] | undefined = upsertJob(undefined, job('j0'));
    for (let i = 1; i <= ENDED_KEPT + 5; i++) list = upsertJob(list, job(`j${i}`, { status: 'done' }));
    expect(list).toHaveLength(ENDED_KEPT + 1);
    expect(list?.some((item) => item.id === 'j0')).toBe(true);
    expect(list?.some((item) => item.id === 'j1')).toBe(false);
  });
});

describe('mergeJobs', () => {
  it('keeps the end the socket reported over the running job a slower fetch answered', () => {
    const fetched = [job('j1', { progress: { current: 40, total: 100 } })];
    const live = [job('j1', { status: 'done', progress: { current: 100, total: 100 } }), job('j2')];
    expect(mergeJobs(fetched, live).map((item) => [item.id, item.status])).toEqual([
      ['j2', 'running'],
      ['j1', 'done'],
    ]);
  });

  it('keeps the further progress of two reports of a running job', () => {
    const fetched = [job('j1', { progress: { current: 70, total: 100 } })];
    const live = [job('j1', { progress: { current: 30, total: 100 } })];
    expect(mergeJobs(fetched, live)[0]?.progress?.current).toBe(70);
  });
});
