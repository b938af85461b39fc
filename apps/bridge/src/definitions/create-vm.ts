/**
 * `vm.create` (`POST /api/vms`): a definition becomes a VM. Checked (the schema, the combinations, its files and
 * whose they are), its new disks made, its NICs given MACs, stored, and listed stopped; it starts when someone
 * starts it (or with the bridge, if it autostarts). Whatever fails leaves nothing behind: no file, no id taken.
 */
import type { Vm } from '@qmpdeck/protocol';
import type { CommandRequest } from '../commands/command-request.ts';
import type { DefinedVms } from './defined-vms.ts';
import { parseDefinition } from './definition-input.ts';
import { withMacs } from './mac-address.ts';
import { type MadeDisk, prepareDrives, removeMade } from './prepare-drives.ts';

export async function createVm(defined: DefinedVms, request: CommandRequest): Promise<Vm> {
  const input = parseDefinition(request.arguments ?? {});
  const release = defined.reserve(input.id, request.principal);
  const made: MadeDisk[] = [];
  try {
    const prepared = await prepareDrives(defined.deps.images, input, made);
    const vm = defined.add({ ...prepared, nics: withMacs(prepared.nics) });
    defined.deps.log.info(
      { vm: input.id, user: request.actor.user, disks: made.map((disk) => disk.name) },
      'VM created',
    );
    return vm.snapshot();
  } catch (err) {
    removeMade(made);
    throw err;
  } finally {
    release();
  }
}
