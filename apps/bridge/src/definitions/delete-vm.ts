/**
 * `vm.delete` (`DELETE /api/vms/:id?disks=keep|delete`): a stopped VM the bridge defined is removed: its
 * definition, its UEFI variables, its runtime directory, its place in every client's list (`vm-removed`). With
 * `disks=delete` its disk images go too, except one another definition names; ISOs never (they are shared).
 * The default keeps the disks. Its event history stays in the database.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { BridgeErrorClass } from '@qmpdeck/protocol';
import { BridgeError, badRequest } from '../bridge-error.ts';
import type { CommandRequest } from '../commands/command-request.ts';
import { parseImageRef } from '../storage/storage-locations.ts';
import { locationRoot } from '../storage/storage-paths.ts';
import type { VmSupervisor } from '../vms/vm-supervisor.ts';
import { type DefinedVms, vmRunning } from './defined-vms.ts';

export interface DeleteResult {
  vm: string;
  /** Disk images removed with it (`disks=delete`). */
  deletedDisks: string[];
  /** Disk images left in place: all of them with `disks=keep`, else those another VM's definition names. */
  keptDisks: string[];
}

export async function deleteVm(
  defined: DefinedVms,
  vm: VmSupervisor,
  request: CommandRequest,
): Promise<DeleteResult> {
  const definition = defined.require(vm);
  const disks = (request.arguments as { disks?: unknown } | undefined)?.disks ?? 'keep';
  if (disks !== 'keep' && disks !== 'delete')
    throw badRequest(`disks: expected "keep" or "delete", got "${String(disks)}"`);
  if (vm.held !== null)
    throw new BridgeError(BridgeErrorClass.Conflict, `VM "${vm.id}" cannot be deleted now: ${vm.held}`, 409);
  if (vm.process?.running) throw vmRunning(`VM "${vm.id}" is running: stop it before deleting it`);
  const refs = definition.disks.flatMap((disk) => (disk.image === undefined ? [] : [disk.image]));
  const namedElsewhere = new Set(
    defined
      .all()
      .filter((other) => other.id !== vm.id)
      .flatMap((other) =>
        [...other.disks, ...other.cdroms].flatMap((drive) =>
          drive.image === undefined ? [] : [drive.image],
        ),
      ),
  );
  const deletedDisks: string[] = [];
  const keptDisks: string[] = [];
  for (const ref of refs) {
    if (disks === 'keep' || namedElsewhere.has(ref)) {
      keptDisks.push(ref);
      continue;
    }
    const { storage, name } = parseImageRef(ref);
    const location = defined.deps.images.locations.all().find((candidate) => candidate.id === storage);
    if (location) rmSync(join(locationRoot(location), name), { force: true });
    deletedDisks.push(ref);
  }
  await defined.forget(vm.id);
  defined.deps.log.info({ vm: vm.id, user: request.actor.user, deletedDisks, keptDisks }, 'VM deleted');
  return { vm: vm.id, deletedDisks, keptDisks };
}
