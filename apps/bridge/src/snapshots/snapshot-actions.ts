/**
 * `snapshot.create`, `snapshot.revert`, `snapshot.delete`: internal snapshots of a VM's qcow2 disks with its RAM
 * state, as QEMU's `snapshot-save`, `snapshot-load` and `snapshot-delete` jobs (their errors only in
 * `query-jobs`; not auto-dismissed: the follow dismisses them). Each answers its job at once. QEMU cannot cancel
 * them halfway, so they say so.
 */
import { BridgeErrorClass, type Job, SnapshotRequest } from '@qmpdeck/protocol';
import { z } from 'zod';
import { BridgeError, badRequest } from '../bridge-error.ts';
import type { BridgeActionRunners } from '../commands/bridge-actions.ts';
import type { CommandRequest } from '../commands/command-request.ts';
import { followQemuJobs } from '../jobs/follow-qemu-jobs.ts';
import type { QemuJobLink } from '../jobs/qemu-job-link.ts';
import type { VmJobActions } from '../jobs/vm-job-actions.ts';
import type { VmSupervisor } from '../vms/vm-supervisor.ts';
import type { SnapshotNotes } from './snapshot-notes.ts';
import { type BlockInfo, qcow2Disks, type VmDisk, vmDisks } from './vm-disks.ts';

const SnapshotName = z.strictObject({ name: SnapshotRequest.shape.name });

export function snapshotRunners(actions: VmJobActions, notes: SnapshotNotes): BridgeActionRunners {
  return {
    'snapshot.create': async (vm, request) => {
      const { name, description } = parse(SnapshotRequest, request);
      const disks = await snapshotDisks(actions.link(vm, request), vm);
      if (disks.some((disk) => disk.snapshots.some((snap) => snap.name === name))) {
        throw new BridgeError(
          BridgeErrorClass.Conflict,
          `VM "${vm.id}" has a snapshot named "${name}" already`,
          409,
        );
      }
      const first = disks[0] as VmDisk;
      return snapshotJob(actions, vm, request, {
        kind: 'snapshot-save',
        description: `Snapshot "${name}" of ${vm.id} (disks and RAM)`,
        command: 'snapshot-save',
        args: { tag: name, vmstate: first.node, devices: disks.map((disk) => disk.node) },
        after: () => {
          if (description) notes.set(vm.id, name, description);
        },
      });
    },
    'snapshot.revert': async (vm, request) => {
      const { name } = parse(SnapshotName, request);
      const holding = await disksHolding(actions.link(vm, request), vm, name);
      const withState = holding.find((disk) =>
        disk.snapshots.some((s) => s.name === name && s['vm-state-size'] > 0),
      );
      return snapshotJob(actions, vm, request, {
        kind: 'snapshot-load',
        description: `Revert ${vm.id} to snapshot "${name}"`,
        command: 'snapshot-load',
        args: {
          tag: name,
          vmstate: (withState ?? (holding[0] as VmDisk)).node,
          devices: holding.map((d) => d.node),
        },
        after: () => {},
      });
    },
    'snapshot.delete': async (vm, request) => {
      const { name } = parse(SnapshotName, request);
      const holding = await disksHolding(actions.link(vm, request), vm, name);
      return snapshotJob(actions, vm, request, {
        kind: 'snapshot-delete',
        description: `Delete snapshot "${name}" of ${vm.id}`,
        command: 'snapshot-delete',
        args: { tag: name, devices: holding.map((d) => d.node) },
        after: () => notes.delete(vm.id, name),
      });
    },
  };
}

interface SnapshotJob {
  kind: string;
  description: string;
  command: 'snapshot-save' | 'snapshot-load' | 'snapshot-delete';
  args: Record<string, unknown>;
  /** What the bridge keeps besides QEMU, once the job is done. */
  after: () => void;
}

function snapshotJob(
  actions: VmJobActions,
  vm: VmSupervisor,
  request: CommandRequest,
  job: SnapshotJob,
): Job {
  return actions.startJob(
    vm,
    request,
    { kind: job.kind, description: job.description, cancellable: false },
    async (link, progress, signal) => {
      const jobId = `qmpdeck-${progress.id}`;
      await link.send(job.command, { 'job-id': jobId, ...job.args });
      await followQemuJobs(link, [jobId], progress, signal);
      job.after();
    },
  );
}

/** The VM's qcow2 disks (409 Conflict when it has none), as the user asking may see them. */
export async function snapshotDisks(link: QemuJobLink, vm: VmSupervisor): Promise<VmDisk[]> {
  const disks = qcow2Disks(vmDisks((await link.send('query-block')) as BlockInfo[]));
  if (disks.length === 0) {
    throw new BridgeError(
      BridgeErrorClass.Conflict,
      `VM "${vm.id}" has no writable qcow2 disk: internal snapshots need one`,
      409,
    );
  }
  return disks;
}

async function disksHolding(link: QemuJobLink, vm: VmSupervisor, name: string): Promise<VmDisk[]> {
  const holding = (await snapshotDisks(link, vm)).filter((disk) =>
    disk.snapshots.some((s) => s.name === name),
  );
  if (holding.length === 0) {
    throw new BridgeError(
      BridgeErrorClass.SnapshotNotFound,
      `VM "${vm.id}" has no snapshot named "${name}"`,
      404,
    );
  }
  return holding;
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
