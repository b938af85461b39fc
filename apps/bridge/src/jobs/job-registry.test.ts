import type { Job } from '@qmpdeck/protocol';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../database/database.ts';
import { waitFor } from '../testing/wait-for.ts';
import { JobRegistry, PUBLISH_EVERY_MS } from './job-registry.ts';
import { JobStore } from './job-store.ts';

const SPEC = { kind: 'download', vm: null, user: 'ana', command: 'storage.download', description: 'a file' };

function registry(now: () => number = Date.now) {
  const db = openDatabase(':memory:');
  const published: Job[] = [];
  const jobs = new JobRegistry(new JobStore(db, now), (job) => published.push(job), now);
  return { db, jobs, published };
}

/** Work that waits for `release` (or the signal) before it ends. */
function gate() {
  let release: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { opened, release: () => release() };
}

describe('JobRegistry', () => {
  it('runs the work as a job: running, then done with its progress complete, published each time', async () => {
    const { jobs, published } = registry();
    const { job, done } = jobs.start({ ...SPEC, total: 100 }, async (progress) => {
      progress.progress(40);
    });
    expect(job).toMatchObject({
      id: '1',
      status: 'running',
      progress: { current: 0, total: 100 },
      user: 'ana',
      command: 'storage.download',
      can: { pause: false, resume: false, cancel: true, dismiss: false },
    });
    const final = await done;
    expect(final).toMatchObject({ status: 'done', progress: { current: 100, total: 100 }, error: null });
    expect(final.endedAt).toBeGreaterThanOrEqual(final.startedAt);
    expect(final.can).toEqual({ pause: false, resume: false, cancel: false, dismiss: true });
    expect(published.at(-1)).toEqual(final);
    expect(jobs.get('1')).toMatchObject({ status: 'done' });
  });

  it('publishes progress a few times a second at most, and always the final state', async () => {
    const { jobs, published } = registry();
    const { done } = jobs.start({ ...SPEC, total: 10_000 }, async (progress) => {
      const until = Date.now() + 600;
      let current = 0;
      while (Date.now() < until) {
        progress.progress(++current);
        await new Promise((resolve) => setImmediate(resolve));
      }
    });
    await done;
    const running = published.filter((job) => job.status === 'running');
    // 600 ms of updates at one per tick: the first, then at most one per PUBLISH_EVERY_MS.
    expect(running.length).toBeLessThanOrEqual(1 + Math.ceil(600 / PUBLISH_EVERY_MS) + 1);
    expect(running.length).toBeGreaterThanOrEqual(2);
    expect(published.at(-1)?.status).toBe('done');
  });

  it("says how it failed in the work's own words", async () => {
    const { jobs } = registry();
    const { done } = jobs.start(SPEC, async () => {
      throw Object.assign(new Error('x'), { class: 'GenericError', desc: 'HTTP 404 from the server' });
    });
    expect(await done).toMatchObject({ status: 'failed', error: 'HTTP 404 from the server' });
  });

  it('cancels through the signal the work was given; a finished job cannot be cancelled', async () => {
    const { jobs } = registry();
    const { job } = jobs.start(SPEC, (_progress, signal) => {
      return new Promise((_resolve, reject) => {
        signal.addEventListener('abort', () => reject(signal.reason));
      });
    });
    expect(await jobs.cancel(job.id)).toMatchObject({ status: 'cancelled', error: 'cancelled' });
    await expect(jobs.cancel(job.id)).rejects.toMatchObject({
      class: 'Conflict',
      desc: `job ${job.id} cannot cancel: it is cancelled, not running`,
    });
  });

  it('cannot pause or resume a bridge job, nor dismiss a running one; dismisses a finished one', async () => {
    const { jobs } = registry();
    const work = gate();
    const { job, done } = jobs.start(SPEC, () => work.opened);
    expect(() => jobs.pause(job.id)).toThrow(/cannot pause: the bridge's own jobs cannot pause/);
    expect(() => jobs.resume(job.id)).toThrow(/cannot resume/);
    expect(() => jobs.dismiss(job.id)).toThrow(/still running; cancel it first/);
    work.release();
    await done;
    expect(jobs.dismiss(job.id)).toMatchObject({ id: job.id, status: 'done' });
    expect(() => jobs.get(job.id)).toThrow(expect.objectContaining({ class: 'JobNotFound' }));
    expect(() => jobs.get('nope')).toThrow(expect.objectContaining({ class: 'JobNotFound' }));
  });

  it('gives the rate over the last seconds and the time left', async () => {
    let now = 1_000_000;
    const { jobs } = registry(() => now);
    const work = gate();
    let say: (current: number) => void = () => {};
    const { job } = jobs.start({ ...SPEC, total: 1000 }, async (progress) => {
      say = (current) => progress.progress(current);
      await work.opened;
    });
    say(100);
    now += 1000;
    say(300);
    expect(jobs.get(job.id)).toMatchObject({ rate: 200, timeLeft: 3.5 });
    now += 10_000; // stalled: the old samples leave the window, the rate drops to the recent one
    say(310);
    now += 1000;
    say(320);
    expect(jobs.get(job.id).rate).toBe(10);
    work.release();
  });

  it('keeps finished jobs in the database; one running when the bridge stopped is marked failed', async () => {
    const { db, jobs } = registry();
    await jobs.start(SPEC, async () => {}).done;
    jobs.start({ ...SPEC, vm: 'web', kind: 'clone' }, () => new Promise(() => {}));
    const reopened = new JobRegistry(new JobStore(db), () => {});
    expect(reopened.list({})).toMatchObject([
      { id: '2', vm: 'web', status: 'failed', error: 'the bridge stopped while it ran' },
      { id: '1', status: 'done' },
    ]);
    expect(reopened.list({ vm: 'web' }).map((job) => job.id)).toEqual(['2']);
    expect(reopened.list({ status: 'done' }).map((job) => job.id)).toEqual(['1']);
    expect(reopened.list({ limit: 1 }).map((job) => job.id)).toEqual(['2']);
  });

  it('ends every running job when the bridge stops', async () => {
    const { jobs } = registry();
    jobs.start(
      SPEC,
      (_progress, signal) =>
        new Promise((_r, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
    );
    await jobs.stopAll();
    await waitFor(() => jobs.list({})[0]?.status === 'cancelled', 'the job cancelled');
    expect(jobs.list({})[0]?.error).toBe('the bridge is stopping');
  });

  it('pauses and resumes a job that gives controls, and says so in can; a job may refuse to be cancelled', async () => {
    const { jobs, published } = registry();
    const calls: string[] = [];
    const work = gate();
    const controls = {
      pause: async () => {
        calls.push('pause');
      },
      resume: async () => {
        calls.push('resume');
      },
    };
    const { job, done } = jobs.start({ ...SPEC, controls, cancellable: false }, () => work.opened);
    expect(job.can).toEqual({ pause: true, resume: false, cancel: false, dismiss: false });
    expect(await jobs.pause(job.id)).toMatchObject({ status: 'paused', can: { pause: false, resume: true } });
    expect(() => jobs.pause(job.id)).toThrow(/cannot pause: it is paused/);
    expect(published.at(-1)?.status).toBe('paused');
    expect(await jobs.resume(job.id)).toMatchObject({ status: 'running' });
    await expect(jobs.cancel(job.id)).rejects.toMatchObject({
      desc: expect.stringMatching(/QEMU cannot stop it/),
    });
    expect(calls).toEqual(['pause', 'resume']);
    work.release();
    expect((await done).status).toBe('done');
  });

  it("puts a VM's job start and end in its timeline with the starting command as their cause", async () => {
    const db = openDatabase(':memory:');
    const told: [string, string, string | null][] = [];
    const jobs = new JobRegistry(
      new JobStore(db),
      () => {},
      Date.now,
      (job, phase, cause) => told.push([job.id, phase, cause?.command ?? null]),
    );
    const cause = { command: 'backup.create', id: 'http-1', client: 'http', user: 'ana', origin: null };
    await jobs.start({ ...SPEC, vm: 'web', cause }, async () => {}).done;
    await jobs.start({ ...SPEC, vm: null }, async () => {}).done;
    expect(told).toEqual([
      ['1', 'started', 'backup.create'],
      ['1', 'ended', 'backup.create'],
    ]);
  });
});
