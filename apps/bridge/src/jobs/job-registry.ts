/**
 * Long work as jobs: an upload, a download, a clone's disk copies (later QEMU's own jobs: backups, snapshots).
 * A job is started with its work, a function given an AbortSignal (cancel) and a way to say its progress; the
 * registry keeps its state, its rate and time left over the last few seconds, stores it (the task log survives
 * restarts) and publishes it: at most a few times a second per job while it runs, and always its final state.
 *
 * Bridge jobs can be cancelled, not paused (a transfer holds a connection that cannot wait): `can` says so. QEMU's
 * jobs give `controls` (job-pause, job-resume) and may say they cannot be cancelled (a memory dump).
 *
 * Each job of a VM is in that VM's timeline twice, BRIDGE_JOB_STARTED and BRIDGE_JOB_ENDED, with the command and
 * user that started it as their cause (`timeline`, given by the server).
 */
import { BridgeErrorClass, type Cause, type Job, type JobStatus } from '@qmpdeck/protocol';
import { BridgeError, toErrorBody } from '../bridge-error.ts';
import { JobRate } from './job-rate.ts';
import type { JobQuery, JobStore, StoredJob } from './job-store.ts';

/** At most this often a running job's progress is published (and stored). */
export const PUBLISH_EVERY_MS = 250;

export interface JobSpec {
  kind: string;
  vm: string | null;
  /** Who started it and with which command (the pipeline's actor and command). */
  user: string | null;
  command: string | null;
  description: string;
  /** The total in the job's units when known at the start (bytes of an upload). */
  total?: number | null | undefined;
  /** Pause and resume, for work that can wait (QEMU's block jobs); absent: the job cannot. */
  controls?: JobControls | undefined;
  /** False for work that cannot be stopped once begun (QEMU has no way to cancel a memory dump). */
  cancellable?: boolean | undefined;
  /** The command that started it, named as the cause of its timeline events. */
  cause?: Cause | null | undefined;
}

export interface JobControls {
  pause(): Promise<void>;
  resume(): Promise<void>;
}

/** A job's start or end, for the VM's timeline. */
export type JobTimeline = (job: Job, phase: 'started' | 'ended', cause: Cause | null) => void;

export interface JobProgress {
  /** The job's id, for words that name it. */
  readonly id: string;
  progress(current: number, total?: number | null): void;
}

export type JobWork = (job: JobProgress, signal: AbortSignal) => Promise<void>;

interface Live {
  job: StoredJob;
  spec: JobSpec;
  controller: AbortController;
  rate: JobRate;
  lastPublished: number;
  pending: NodeJS.Timeout | null;
  done: Promise<Job>;
}

export const jobNotFound = (id: string): BridgeError =>
  new BridgeError(BridgeErrorClass.JobNotFound, `no job with id "${id}"`, 404);

export class JobRegistry {
  readonly #live = new Map<string, Live>();

  constructor(
    readonly store: JobStore,
    readonly publish: (job: Job) => void,
    readonly now: () => number = Date.now,
    readonly timeline: JobTimeline = () => {},
  ) {}

  /** Starts `work` as a job; answers the job at once and a promise of its final state. */
  start(spec: JobSpec, work: JobWork): { job: Job; done: Promise<Job> } {
    const startedAt = this.now();
    const base = {
      vm: spec.vm,
      kind: spec.kind,
      status: 'running' as const,
      progress: spec.total === undefined || spec.total === null ? null : { current: 0, total: spec.total },
      startedAt,
      user: spec.user,
      command: spec.command,
      description: spec.description,
    };
    const id = this.store.insert(base);
    const controller = new AbortController();
    const live: Live = {
      job: { ...base, id, endedAt: null, error: null },
      spec,
      controller,
      rate: new JobRate(this.now),
      lastPublished: 0,
      pending: null,
      done: Promise.resolve(null as unknown as Job),
    };
    this.#live.set(id, live);
    const handle: JobProgress = { id, progress: (current, total) => this.#progress(live, current, total) };
    this.#publishNow(live);
    const first = this.#view(live.job, live);
    this.#tell(first, 'started', spec);
    live.done = this.#run(live, work, handle);
    return { job: first, done: live.done };
  }

  notFound(id: string): BridgeError {
    return jobNotFound(id);
  }

  get(id: string): Job {
    const live = this.#live.get(id);
    if (live) return this.#view(live.job, live);
    const stored = this.store.get(id);
    if (!stored) throw jobNotFound(id);
    return this.#view(stored, undefined);
  }

  /** Newest first; running jobs as they are now. */
  list(query: JobQuery): Job[] {
    return this.store.list(query).map((stored) => {
      const live = this.#live.get(stored.id);
      return live ? this.#view(live.job, live) : this.#view(stored, undefined);
    });
  }

  /** Asks a running job to stop; answers once it has (status `cancelled`, or how it ended meanwhile). */
  async cancel(id: string): Promise<Job> {
    const live = this.#live.get(id);
    if (!live || live.spec.cancellable === false) throw this.#cannot(id, 'cancel');
    live.controller.abort(new BridgeError(BridgeErrorClass.Cancelled, 'cancelled', 409));
    return live.done;
  }

  /** Pauses a running job that can wait (its controls); answers it paused. Throws at once when it cannot. */
  pause(id: string): Promise<Job> {
    const live = this.#live.get(id);
    const controls = live?.spec.controls;
    if (!live || !controls || live.job.status !== 'running') throw this.#cannot(id, 'pause');
    return controls.pause().then(() => this.#setStatus(live, 'paused'));
  }

  /** Resumes a paused job; answers it running. Throws at once when it cannot. */
  resume(id: string): Promise<Job> {
    const live = this.#live.get(id);
    const controls = live?.spec.controls;
    if (!live || !controls || live.job.status !== 'paused') throw this.#cannot(id, 'resume');
    return controls.resume().then(() => this.#setStatus(live, 'running'));
  }

  /** Forgets a finished job (it leaves the task log); answers it as it was. */
  dismiss(id: string): Job {
    if (this.#live.has(id)) throw this.#cannot(id, 'dismiss');
    const job = this.get(id);
    this.store.delete(id);
    return job;
  }

  /** Cancels every running job (bridge shutdown) and waits for them to end. */
  async stopAll(): Promise<void> {
    const running = [...this.#live.values()];
    for (const live of running)
      live.controller.abort(new BridgeError(BridgeErrorClass.Cancelled, 'the bridge is stopping', 503));
    await Promise.all(running.map((live) => live.done));
  }

  async #run(live: Live, work: JobWork, handle: JobProgress): Promise<Job> {
    let status: JobStatus = 'done';
    let error: string | null = null;
    try {
      await work(handle, live.controller.signal);
      if (live.job.progress) live.job.progress = { ...live.job.progress, current: live.job.progress.total };
    } catch (err) {
      status = live.controller.signal.aborted ? 'cancelled' : 'failed';
      error =
        status === 'cancelled'
          ? toErrorBody(live.controller.signal.reason).body.desc
          : toErrorBody(err).body.desc;
    }
    live.job = { ...live.job, status, error, endedAt: this.now() };
    this.#live.delete(live.job.id);
    this.#publishNow(live);
    const final = this.#view(live.job, undefined);
    this.#tell(final, 'ended', live.spec);
    return final;
  }

  #setStatus(live: Live, status: 'running' | 'paused'): Job {
    // The work may have ended while QEMU answered.
    if (this.#live.has(live.job.id)) {
      live.job = { ...live.job, status };
      this.#publishNow(live);
    }
    return this.#view(live.job, this.#live.get(live.job.id));
  }

  /** A VM's job into its timeline; a failure there is the timeline's (it logs it), never the job's. */
  #tell(job: Job, phase: 'started' | 'ended', spec: JobSpec): void {
    if (job.vm !== null) this.timeline(job, phase, spec.cause ?? null);
  }

  #progress(live: Live, current: number, total?: number | null): void {
    if (!this.#live.has(live.job.id)) return;
    const known = total ?? live.job.progress?.total ?? null;
    live.job.progress = known === null ? null : { current, total: known };
    live.rate.add(current);
    const since = this.now() - live.lastPublished;
    if (since >= PUBLISH_EVERY_MS) {
      this.#publishNow(live);
    } else if (live.pending === null) {
      live.pending = setTimeout(() => this.#publishNow(live), PUBLISH_EVERY_MS - since);
      live.pending.unref();
    }
  }

  #publishNow(live: Live): void {
    if (live.pending !== null) clearTimeout(live.pending);
    live.pending = null;
    live.lastPublished = this.now();
    this.store.update(live.job);
    this.publish(this.#view(live.job, this.#live.get(live.job.id)));
  }

  /** The job as clients see it: with its rate and time left while it runs, and what may be done with it. */
  #view(job: StoredJob, live: Live | undefined): Job {
    const running = live !== undefined;
    const rate = running && job.status === 'running' ? live.rate.rate : null;
    const controls = running && live.spec.controls !== undefined;
    return {
      ...job,
      rate,
      timeLeft:
        rate !== null && job.progress ? live?.rate.timeLeft(job.progress.current, job.progress.total) : null,
      can: {
        pause: controls && job.status === 'running',
        resume: controls && job.status === 'paused',
        cancel: running && live.spec.cancellable !== false,
        dismiss: !running,
      },
    };
  }

  #cannot(id: string, action: string): BridgeError {
    const job = this.get(id);
    const live = this.#live.get(id);
    const why =
      action === 'pause' || action === 'resume'
        ? live?.spec.controls
          ? `it is ${job.status}`
          : live
            ? `the bridge's own jobs cannot ${action} (a transfer holds a connection that cannot wait)`
            : `it is ${job.status}, not running`
        : action === 'cancel'
          ? live
            ? 'QEMU cannot stop it once begun'
            : `it is ${job.status}, not running`
          : 'it is still running; cancel it first';
    return new BridgeError(BridgeErrorClass.Conflict, `job ${id} cannot ${action}: ${why}`, 409);
  }
}
