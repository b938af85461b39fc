import type { Job } from '@qmpdeck/protocol';
import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { queryKeys } from '../api/queryKeys.ts';
import { mergeFetchedJobs, upsertJob, writeJob } from './job-cache.ts';

const job = (id: string, status: Job['status'], current = 0): Job => ({
  id,
  vm: 'web',
  kind: 'backup',
  status,
  progress: { current, total: 100 },
  startedAt: 1,
});

describe('job messages in the cache', () => {
  it('replaces a job in place and puts a new one first; a list never fetched stays unfetched', () => {
    expect(upsertJob([job('1', 'running'), job('2', 'done')], job('1', 'running', 50))).toEqual([
      job('1', 'running', 50),
      job('2', 'done'),
    ]);
    expect(upsertJob([job('1', 'done')], job('3', 'running'))?.map((j) => j.id)).toEqual(['3', '1']);
    expect(upsertJob(undefined, job('1', 'running'))).toBeUndefined();
  });

  it("writes both task logs, and asks for the VM's backups again once the job ended", async () => {
    const client = new QueryClient();
    client.setQueryData(queryKeys.jobs(null), [job('1', 'running')]);
    client.setQueryData(queryKeys.jobs('web'), [job('1', 'running')]);
    client.setQueryData(queryKeys.backups('web'), []);
    writeJob(client, job('1', 'running', 40));
    expect(client.getQueryData<Job[]>(queryKeys.jobs('web'))?.[0]?.progress?.current).toBe(40);
    expect(client.getQueryState(queryKeys.backups('web'))?.isInvalidated).toBe(false);
    writeJob(client, job('1', 'done', 100));
    expect(client.getQueryData<Job[]>(queryKeys.jobs(null))?.[0]?.status).toBe('done');
    expect(client.getQueryState(queryKeys.backups('web'))?.isInvalidated).toBe(true);
  });

  it('keeps a job ended by a message while a fetch answered with it still running; the rest as fetched', () => {
    const cached = [job('1', 'done', 100), job('2', 'running', 10), job('3', 'failed')];
    const fetched = [
      job('1', 'running', 0),
      job('2', 'running', 40),
      job('3', 'failed'),
      job('4', 'running'),
    ];
    expect(mergeFetchedJobs(fetched, cached)).toEqual([
      job('1', 'done', 100),
      job('2', 'running', 40),
      job('3', 'failed'),
      job('4', 'running'),
    ]);
    expect(mergeFetchedJobs(fetched, undefined)).toBe(fetched);
    // A job the cache never saw end is the fetched one, whatever the cache said.
    expect(mergeFetchedJobs([job('2', 'done')], [job('2', 'running', 90)])).toEqual([job('2', 'done')]);
  });
});
