/**
 * The jobs this tab knows of, as one list in the query cache: the bridge's list fetched once, then every `job`
 * message written over it. Kept pure so the socket's writer and the fetch can share it.
 */
import type { Job } from '@qmpdeck/protocol';

const ENDED = new Set<Job['status']>(['done', 'failed', 'cancelled']);

export const isEnded = (job: Job) => ENDED.has(job.status);
export const isActive = (job: Job) => !isEnded(job);

/** Newest first (by start), so the list reads as a log. */
function byStartDescending(a: Job, b: Job): number {
  return b.startedAt - a.startedAt;
}

/** Ended jobs kept in the list (the running ones are always kept): enough for an indicator and a short log. */
export const ENDED_KEPT = 50;

function trimEnded(list: Job[]): Job[] {
  let ended = 0;
  return list.filter((job) => isActive(job) || ++ended <= ENDED_KEPT);
}

/** The job replaces its older self, or joins the list. */
export function upsertJob(list: readonly Job[] | undefined, job: Job): Job[] {
  const others = (list ?? []).filter((item) => item.id !== job.id);
  return trimEnded([job, ...others].sort(byStartDescending));
}

/** Which of two reports of the same job is the later one: an end beats a run, then more progress beats less. */
function later(a: Job, b: Job): Job {
  if (isEnded(a) !== isEnded(b)) return isEnded(a) ? a : b;
  return (b.progress?.current ?? -1) > (a.progress?.current ?? -1) ? b : a;
}

/**
 * A fetched list with what the socket wrote meanwhile: a `job` message can overtake the fetch's answer, and the
 * answer must not turn a finished job back into a running one.
 */
export function mergeJobs(fetched: readonly Job[], live: readonly Job[] | undefined): Job[] {
  const merged = new Map(fetched.map((job) => [job.id, job]));
  for (const job of live ?? []) {
    const known = merged.get(job.id);
    merged.set(job.id, known ? later(known, job) : job);
  }
  return trimEnded([...merged.values()].sort(byStartDescending));
}
