/**
 * `backup.create`, `backup.delete`, `backup.restore`.
 *
 * A backup copies all of a VM's disks at one instant while it keeps running: a new qcow2 image per disk
 * (`qemu-img create`, then `blockdev-add` as a node), one `transaction` of `blockdev-backup` jobs with
 * `completion-mode: grouped` (they succeed or fail together), followed live; then the target nodes are deleted
 * (a target file is stale while its node is open) and the manifest is written. A backup that fails or is
 * cancelled leaves nothing: its images are removed and it never had a manifest.
 *
 * A restore copies a backup's images over the VM's own disks with `qemu-img convert` while the VM is stopped
 * (409 VmRunning otherwise), as a job; the VM is held (may not start) meanwhile.
 *
 * With `incremental`, only what changed since the newest backup is copied (`sync: incremental` with the disks'
 * persistent dirty bitmap, which every full backup of qcow2 disks (re)starts just before it), into images whose
 * backing files are that backup's: a chain a restore reads whole. A backup another builds on cannot be deleted.
 *
 * `backup.delete` removes one backup, or sets the VM's retention rule (`{ keep: N | null }`): who may delete
 * backups may say how many are kept. The rule applies at once and after each backup.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { BackupRequest, BridgeErrorClass, type Job, RestoreRequest } from '@qmpdeck/protocol';
import { z } from 'zod';
import { BridgeError, badRequest } from '../bridge-error.ts';
import type { BridgeActionRunners } from '../commands/bridge-actions.ts';
import type { CommandRequest } from '../commands/command-request.ts';
import type { StorageConfig } from '../config/schema.ts';
import { followQemuJobs, qemuJobControls } from '../jobs/follow-qemu-jobs.ts';
import type { JobProgress } from '../jobs/job-registry.ts';
import type { QemuJobLink } from '../jobs/qemu-job-link.ts';
import { runTool } from '../jobs/run-tool.ts';
import type { VmJobActions } from '../jobs/vm-job-actions.ts';
import type { Logger } from '../log.ts';
import { type BlockInfo, type VmDisk, vmDisks } from '../snapshots/vm-disks.ts';
import { qemuImgConvert } from '../storage/qemu-img.ts';
import type { VmSupervisor } from '../vms/vm-supervisor.ts';
import {
  type BackupManifest,
  backupLocation,
  findManifest,
  imageName,
  listManifests,
  locationPath,
  newBackupId,
  removeBackup,
  writeManifest,
} from './backup-files.ts';
import type { BackupRetention } from './backup-retention.ts';
import { restoreAsNew } from './restore-as-new.ts';

const BackupId = z.strictObject({ backup: z.string().min(1).max(255) });
/** `backup.delete` either removes one backup or sets the VM's retention rule (which removes those beyond it). */
const DeleteArguments = z.union([
  BackupId,
  z.strictObject({ keep: z.number().int().min(1).max(10_000).nullable() }),
]);
const RestoreArguments = BackupId.extend(RestoreRequest.shape);

export function backupRunners(
  actions: VmJobActions,
  storage: readonly StorageConfig[],
  retention: BackupRetention,
  log: Logger,
): BridgeActionRunners {
  return {
    'backup.create': async (vm, request) => {
      const { storage: storageId, incremental, speed } = parse(BackupRequest, request);
      const location = backupLocation(storage, storageId);
      const link = actions.link(vm, request);
      const disks = vmDisks((await link.send('query-block')) as BlockInfo[]);
      if (disks.length === 0) {
        throw new BridgeError(
          BridgeErrorClass.Conflict,
          `VM "${vm.id}" has no writable disk to back up`,
          409,
        );
      }
      const base = incremental ? incrementalBase(storage, vm.id, disks) : null;
      const id = newBackupId(vm.id);
      const qemuJobs: string[] = [];
      return actions.startJob(
        vm,
        request,
        {
          kind: 'backup',
          description: `Backup of ${vm.id} (${disks.length} disk${disks.length === 1 ? '' : 's'}) to ${location.id}:${id}`,
          total: disks.reduce((sum, disk) => sum + disk.virtualSize, 0),
          controls: qemuJobControls(link, qemuJobs),
        },
        async (jobLink, progress, signal) => {
          const manifest = await backUp(
            { link: jobLink, progress, signal, log, qemuJobs },
            {
              id,
              vm: vm.id,
              location,
              disks,
              speed,
              user: request.actor.user,
              base,
              bitmap: disks.every((disk) => disk.format === 'qcow2'),
            },
          );
          writeManifest(location, manifest);
          const removed = retention.apply(storage, vm.id);
          if (removed.length > 0)
            log.info({ vm: vm.id, removed }, 'backups beyond the retention rule removed');
        },
      );
    },
    'backup.delete': async (vm, request) => {
      const args = parse(DeleteArguments, request);
      if ('keep' in args) {
        retention.set(vm.id, args.keep);
        return { keep: args.keep, removed: retention.apply(storage, vm.id) };
      }
      removeBackup(storage, findManifest(storage, vm.id, args.backup));
      return { removed: args.backup };
    },
    'backup.restore': async (vm, request) => {
      const { backup, as } = parse(RestoreArguments, request);
      const manifest = findManifest(storage, vm.id, backup);
      if (as === undefined) return restoreOver(actions, vm, request, storage, manifest);
      const defined = actions.options.defined;
      if (!defined) {
        throw new BridgeError(BridgeErrorClass.NotFound, 'this bridge does not offer VM definitions', 404);
      }
      const location = storage.find((s) => s.id === manifest.storage) as StorageConfig;
      return restoreAsNew(defined, vm, request, manifest, location, as);
    },
  };
}

interface BackupRun {
  link: QemuJobLink;
  progress: JobProgress;
  signal: AbortSignal;
  log: Logger;
  /** Filled with QEMU's job ids once they exist (pause and resume name them). */
  qemuJobs: string[];
}

interface BackupPlan {
  id: string;
  vm: string;
  location: StorageConfig;
  disks: VmDisk[];
  speed: number | undefined;
  user: string | null;
  /** An incremental backup: the backup it builds on, and where each disk's image of it is (by node). */
  base: { manifest: BackupManifest; images: Map<string, string> } | null;
  /** All disks are qcow2: a full backup (re)starts their dirty bitmap, for incremental ones to follow. */
  bitmap: boolean;
}

/** The disks' dirty bitmap: what changed since the last backup that started or followed it. */
export const BITMAP = 'qmpdeck-backup';

/**
 * What an incremental backup builds on: the VM's newest backup, which must have (re)started or followed the
 * disks' dirty bitmap, with the same disks, each still carrying the bitmap (409 Conflict otherwise: make a full one).
 */
function incrementalBase(
  storage: readonly StorageConfig[],
  vm: string,
  disks: readonly VmDisk[],
): BackupPlan['base'] {
  const newest = listManifests(storage, vm)[0];
  const refuse = (why: string) =>
    new BridgeError(
      BridgeErrorClass.Conflict,
      `no incremental backup of VM "${vm}": ${why}; make a full one`,
      409,
    );
  if (!newest?.bitmap) throw refuse('its newest backup did not start a dirty bitmap');
  const location = storage.find((s) => s.id === newest.storage);
  if (!location) throw refuse(`the storage of backup "${newest.id}" is gone`);
  const images = new Map<string, string>();
  for (const disk of disks) {
    const saved = newest.disks.find((candidate) => candidate.source === disk.file);
    if (!saved || !disk.bitmaps.includes(BITMAP))
      throw refuse(`disk ${disk.drive} has no bitmap since the last backup`);
    images.set(disk.node, locationPath(location, saved.file));
  }
  return { manifest: newest, images };
}

async function backUp(run: BackupRun, plan: BackupPlan): Promise<BackupManifest> {
  const { link, progress, signal } = run;
  const targets = plan.disks.map((disk, index) => ({
    disk,
    file: imageName(plan.id, index),
    path: locationPath(plan.location, imageName(plan.id, index)),
    node: `qmpdeck-backup-${progress.id}-${index}`,
    job: `qmpdeck-${progress.id}-${index}`,
  }));
  const added: string[] = [];
  let complete = false;
  let bitmapsRestarted = false;
  try {
    mkdirSync(resolve(plan.location.path), { recursive: true });
    for (const target of targets) {
      const backing = plan.base?.images.get(target.disk.node);
      await runTool(
        'qemu-img',
        [
          'create',
          '-q',
          '-f',
          'qcow2',
          ...(backing === undefined ? [] : ['-b', backing, '-F', 'qcow2']),
          target.path,
          String(target.disk.virtualSize),
        ],
        signal,
      );
    }
    for (const target of targets) {
      signal.throwIfAborted();
      await link.send('blockdev-add', {
        driver: 'qcow2',
        'node-name': target.node,
        file: { driver: 'file', filename: target.path },
      });
      added.push(target.node);
    }
    signal.throwIfAborted();
    const time = Date.now();
    // A full backup of qcow2 disks (re)starts their dirty bitmap just before it (QEMU refuses bitmap actions in a
    // grouped transaction): what the guest writes in between is then both in this backup and marked changed for
    // the next incremental one, which copies it again; never missing from both.
    const restartBitmaps = plan.bitmap && plan.base === null;
    if (restartBitmaps) {
      await link.send('transaction', { actions: targets.map((target) => bitmapRestart(target.disk)) });
      bitmapsRestarted = true;
    }
    await link.send('transaction', {
      actions: targets.map((target) => ({
        type: 'blockdev-backup',
        data: {
          'job-id': target.job,
          device: target.disk.node,
          target: target.node,
          sync: plan.base === null ? 'full' : 'incremental',
          ...(plan.base === null ? {} : { bitmap: BITMAP }),
          'auto-dismiss': false,
          ...(plan.speed === undefined ? {} : { speed: plan.speed }),
        },
      })),
      properties: { 'completion-mode': 'grouped' },
    });
    run.qemuJobs.push(...targets.map((target) => target.job));
    await followQemuJobs(link, run.qemuJobs, progress, signal);
    complete = true;
    return {
      id: plan.id,
      vm: plan.vm,
      storage: plan.location.id,
      time,
      user: plan.user,
      disks: targets.map((target) => ({
        drive: target.disk.drive,
        file: target.file,
        virtualSize: target.disk.virtualSize,
        source: target.disk.file,
        format: target.disk.format,
      })),
      incremental: plan.base !== null,
      base: plan.base?.manifest.id ?? null,
      bitmap: plan.bitmap,
    };
  } finally {
    // The images are complete only once their nodes are closed.
    for (const node of added) {
      await link.send('blockdev-del', { 'node-name': node }).catch((err: unknown) => {
        run.log.warn({ vm: plan.vm, node, err }, 'could not close a backup target node');
      });
    }
    if (!complete) for (const target of targets) rmSync(target.path, { force: true });
    // A bitmap restarted for a backup that did not complete counts from a point no backup has: drop it, so the
    // next incremental backup is refused rather than missing what changed before. (A failed incremental one
    // leaves the bitmap as it was: QEMU keeps it on failure.)
    if (!complete && bitmapsRestarted) {
      for (const target of targets) {
        await link
          .send('block-dirty-bitmap-remove', { node: target.disk.node, name: BITMAP })
          .catch((err: unknown) => {
            run.log.warn({ vm: plan.vm, node: target.disk.node, err }, 'could not drop a backup bitmap');
          });
      }
    }
  }
}

/** Starts the disk's bitmap afresh: added the first time (persistent: it outlives QEMU), else cleared. */
function bitmapRestart(disk: VmDisk) {
  return disk.bitmaps.includes(BITMAP)
    ? { type: 'block-dirty-bitmap-clear', data: { node: disk.node, name: BITMAP } }
    : { type: 'block-dirty-bitmap-add', data: { node: disk.node, name: BITMAP, persistent: true } };
}

function restoreOver(
  actions: VmJobActions,
  vm: VmSupervisor,
  request: CommandRequest,
  storage: readonly StorageConfig[],
  manifest: BackupManifest,
): Job {
  if (vm.connection === 'connected') {
    throw new BridgeError(
      BridgeErrorClass.VmRunning,
      `VM "${vm.id}" is running: stop it before a restore over its disks`,
      409,
    );
  }
  const location = storage.find((s) => s.id === manifest.storage) as StorageConfig;
  const managed = vm.process !== null;
  if (managed) vm.hold(`a backup is being restored over VM "${vm.id}"'s disks`);
  return actions.startJob(
    vm,
    request,
    {
      kind: 'restore',
      description: `Restore ${manifest.id} over ${vm.id}'s disks`,
      total: manifest.disks.reduce((sum, disk) => sum + disk.virtualSize, 0),
    },
    async (_link, progress, signal) => {
      try {
        let done = 0;
        for (const disk of manifest.disks) {
          await qemuImgConvert(
            { path: locationPath(location, disk.file), format: 'qcow2' },
            { path: disk.source, format: disk.format },
            { signal, onProgress: (fraction) => progress.progress(done + fraction * disk.virtualSize) },
          );
          done += disk.virtualSize;
        }
      } finally {
        if (managed) vm.hold(null);
      }
    },
  );
}

function parse<T>(schema: z.ZodType<T>, request: CommandRequest): T {
  const parsed = schema.safeParse(request.arguments ?? {});
  if (!parsed.success) {
    throw badRequest(
      `invalid ${request.command} request: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data;
}
