/**
 * The bridge actions on a VM that run as jobs (snapshots, memory dumps, backups, hibernation) and the control of
 * a VM's jobs, given to the pipeline as `bridgeActions`. Each action starts its job and answers it at once (the
 * routes answer 202); the job's QMP commands then go through the pipeline as the user who started it (see
 * qemu-job-link.ts). The pipeline is given after it is made (`attach`): it needs these runners, they need it.
 */
import { BridgeErrorClass } from '@qmpdeck/protocol';
import { BridgeError } from '../bridge-error.ts';
import type { BridgeActionRunners } from '../commands/bridge-actions.ts';
import type { CommandPipeline } from '../commands/command-pipeline.ts';
import type { CommandRequest } from '../commands/command-request.ts';
import type { StorageConfig } from '../config/schema.ts';
import type { Logger } from '../log.ts';
import type { SqliteDatabase } from '../storage/database.ts';
import type { VmSupervisor } from '../vms/vm-supervisor.ts';
import { controlJob } from './job-control.ts';
import type { JobRegistry } from './job-registry.ts';
import { type QemuJobLink, qemuJobLink } from './qemu-job-link.ts';

export interface VmJobActionsOptions {
  jobs: JobRegistry;
  db: SqliteDatabase;
  storage: readonly StorageConfig[];
  log: Logger;
}

export class VmJobActions {
  #pipeline: CommandPipeline | null = null;

  constructor(readonly options: VmJobActionsOptions) {}

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

  get runners(): BridgeActionRunners {
    const { jobs } = this.options;
    return {
      'job.control': async (_vm, request) => controlJob(jobs, request),
    };
  }
}
