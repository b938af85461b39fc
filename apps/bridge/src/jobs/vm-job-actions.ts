/**
 * The bridge actions on a VM that run as jobs (snapshots, memory dumps, backups, hibernation) and the control of
 * a VM's jobs, given to the pipeline as `bridgeActions`. Each action starts its job and answers it at once (the
 * routes answer 202); the job's QMP commands then go through the pipeline as the user who started it (see
 * qemu-job-link.ts). The pipeline is given after it is made (`attach`): it needs these runners, they need it. The
 * runners themselves are put together in vm-job-runners.ts, beside the actions they come from.
 */
import { BridgeErrorClass, type Job } from '@qmpdeck/protocol';
import { BackupRetention } from '../backups/backup-retention.ts';
import { BridgeError } from '../bridge-error.ts';
import type { CommandPipeline } from '../commands/command-pipeline.ts';
import type { CommandRequest } from '../commands/command-request.ts';
import type { StorageConfig } from '../config/schema.ts';
import type { SqliteDatabase } from '../database/database.ts';
import type { DefinedVms } from '../definitions/defined-vms.ts';
import type { Logger } from '../log.ts';
import { SnapshotNotes } from '../snapshots/snapshot-notes.ts';
import type { VmSupervisor } from '../vms/vm-supervisor.ts';
import type { JobControls, JobProgress, JobRegistry } from './job-registry.ts';
import { causeOf, type QemuJobLink, qemuJobLink } from './qemu-job-link.ts';

/** What a QEMU job's starter says of it; who started it and why come from the request. */
export interface QemuJobSpec {
  kind: string;
  description: string;
  cancellable?: boolean | undefined;
  controls?: JobControls | undefined;
  total?: number | undefined;
}

export type QemuJobWork = (link: QemuJobLink, progress: JobProgress, signal: AbortSignal) => Promise<void>;

export interface VmJobActionsOptions {
  jobs: JobRegistry;
  /** The VMs the bridge owns (a backup restored as a new VM becomes one). */
  defined?: DefinedVms | undefined;
  db: SqliteDatabase;
  storage: readonly StorageConfig[];
  log: Logger;
}

export class VmJobActions {
  #pipeline: CommandPipeline | null = null;
  /** The descriptions of internal snapshots. */
  readonly notes: SnapshotNotes;
  /** How many backups each VM keeps. */
  readonly retention: BackupRetention;

  constructor(readonly options: VmJobActionsOptions) {
    this.notes = new SnapshotNotes(options.db);
    this.retention = new BackupRetention(options.db);
  }

  attach(pipeline: CommandPipeline): void {
    this.#pipeline = pipeline;
  }

  /** The link through which a job started by `request` talks to `vm`'s QEMU. */
  link(vm: VmSupervisor, request: CommandRequest): QemuJobLink {
    if (this.#pipeline === null) {
      throw new BridgeError(BridgeErrorClass.Internal, 'jobs used before the pipeline was attached', 500);
    }
    return qemuJobLink(this.#pipeline, vm, request);
  }

  /** Starts `work` as a job of `vm`, started by `request` (its user, its command, its cause); answers the job. */
  start(
    vm: VmSupervisor,
    request: CommandRequest,
    spec: QemuJobSpec,
    work: QemuJobWork,
  ): { job: Job; done: Promise<Job> } {
    const link = this.link(vm, request);
    return this.options.jobs.start(
      {
        ...spec,
        vm: vm.id,
        user: request.actor.user,
        command: request.command,
        cause: causeOf(request),
      },
      (progress, signal) => work(link, progress, signal),
    );
  }

  /** `start`, answering the job alone (what a route answers with 202). */
  startJob(vm: VmSupervisor, request: CommandRequest, spec: QemuJobSpec, work: QemuJobWork): Job {
    return this.start(vm, request, spec, work).job;
  }
}
