/**
 * The bridge as a VM manager, composed in one place beside the server: jobs (the task log), storage locations
 * and their files, the VMs it owns by definition; and the commands they give the pipeline (`vm.create`,
 * `vm.define`, `vm.clone`, `vm.delete`, `storage.*`, `job.control`, and the Hardware tab's `device.media` and
 * `device.disk-add`, which take images from the storage locations).
 */
import { dirname } from 'node:path';
import type { Job } from '@qmpdeck/protocol';
import type { BridgeActionRunners } from './commands/bridge-actions.ts';
import type { BridgeWideRunners } from './commands/command-pipeline.ts';
import type { CommandRequest } from './commands/command-request.ts';
import { type BridgeConfig, DEFAULT_TRANSFER_MAX_BYTES } from './config/schema.ts';
import type { SqliteDatabase } from './database/database.ts';
import { cloneVm } from './definitions/clone-vm.ts';
import { createVm } from './definitions/create-vm.ts';
import { DefinedVms, type SuperviseOptions } from './definitions/defined-vms.ts';
import { DefinitionStore } from './definitions/definition-store.ts';
import { deleteVm } from './definitions/delete-vm.ts';
import { OVMF_CODE, OVMF_VARS } from './definitions/firmware.ts';
import { Images } from './definitions/images.ts';
import { updateDefinition } from './definitions/update-definition.ts';
import { defaultDatabasePath } from './events/event-store.ts';
import { addDisk } from './hardware/disk-add.ts';
import { changeMedia } from './hardware/media-change.ts';
import { controlJob } from './jobs/job-control.ts';
import { JobRegistry, type JobTimeline } from './jobs/job-registry.ts';
import { JobStore } from './jobs/job-store.ts';
import type { RuntimeRoot } from './launch/runtime-lock.ts';
import type { Logger } from './log.ts';
import { FileUsage } from './storage/file-usage.ts';
import { storageActions } from './storage/storage-actions.ts';
import { StorageFiles } from './storage/storage-files.ts';
import { StorageLocations } from './storage/storage-locations.ts';
import type { VmRegistry } from './vms/vm-registry.ts';
import type { VmSupervisor } from './vms/vm-supervisor.ts';

export interface VmManagementOptions {
  config: BridgeConfig;
  db: SqliteDatabase;
  registry: VmRegistry;
  runtime: RuntimeRoot;
  log: Logger;
  publishJob(job: Job): void;
  publishRemoved(id: string): void;
  supervise(options: SuperviseOptions): VmSupervisor;
  /** The command pipeline (given late: it is made with this module's runners). */
  run(request: CommandRequest): Promise<unknown>;
  /** Where a VM's jobs start and end in its timeline (issue 16). */
  timeline?: JobTimeline | undefined;
}

export interface VmManagement {
  jobs: JobRegistry;
  locations: StorageLocations;
  files: StorageFiles;
  defined: DefinedVms;
  bridgeWide: BridgeWideRunners;
  bridgeActions: BridgeActionRunners;
  /** At start: lists the VMs of the stored definitions. */
  load(): void;
  /** At stop: cancels running jobs. */
  stop(): Promise<void>;
}

/** `dataDir`, else the database's directory (the default data directory for an in-memory database). */
export function dataDirOf(config: BridgeConfig): string {
  if (config.dataDir !== undefined) return config.dataDir;
  const database = config.database ?? defaultDatabasePath();
  return dirname(database === ':memory:' ? defaultDatabasePath() : database);
}

export function openVmManagement(options: VmManagementOptions): VmManagement {
  const { config, registry, log } = options;
  const jobs = new JobRegistry(new JobStore(options.db), options.publishJob, Date.now, options.timeline);
  const locations = new StorageLocations(config.storage ?? [], log);
  let defined: DefinedVms | undefined;
  const usage = new FileUsage(locations, () => defined?.all() ?? [], registry);
  const files = new StorageFiles(locations, usage);
  defined = new DefinedVms({
    store: new DefinitionStore(dataDirOf(config), log),
    images: new Images(locations, files, usage),
    jobs,
    registry,
    uefi: { code: config.uefi?.code ?? OVMF_CODE, vars: config.uefi?.vars ?? OVMF_VARS },
    accelerators: config.accelerators ?? null,
    runtime: options.runtime,
    log,
    supervise: options.supervise,
    publishRemoved: options.publishRemoved,
    run: options.run,
  });
  const vms = defined;
  const storage = storageActions({
    locations,
    files,
    usage,
    jobs,
    uploadMaxBytes: config.uploads?.maxBytes ?? DEFAULT_TRANSFER_MAX_BYTES,
    downloadMaxBytes: config.downloads?.maxBytes ?? DEFAULT_TRANSFER_MAX_BYTES,
    log,
  });
  return {
    jobs,
    locations,
    files,
    defined: vms,
    bridgeWide: {
      'vm.create': (request) => createVm(vms, request),
      ...storage,
      'job.control': (request) => controlJob(jobs, request),
    },
    bridgeActions: {
      'vm.define': (vm, request) => updateDefinition(vms, vm, request),
      'vm.clone': (vm, request) => cloneVm(vms, vm, request),
      'vm.delete': (vm, request) => deleteVm(vms, vm, request),
      'job.control': (_vm, request) => controlJob(jobs, request),
      // The Hardware tab's changes that take an image from a storage location.
      'device.media': (vm, request) =>
        changeMedia({ images: vms.deps.images, run: options.run }, vm, request),
      'device.disk-add': (vm, request) => addDisk(vms.deps.images, vm, request),
    },
    load: () => vms.load(),
    stop: () => jobs.stopAll(),
  };
}
