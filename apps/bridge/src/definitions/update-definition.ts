/**
 * `vm.define` (`PUT /api/vms/:id/definition`): the whole definition, replaced. A stopped VM takes any change (new
 * disks are made, removed ones are kept as files). A running one takes only what needs no restart: its name,
 * description and autostart, and the media in its CD-ROM drives, which QEMU changes live (`blockdev-change-medium`
 * or `eject`, run through the command pipeline as the person's own commands, so they are authorized, audited and
 * named as the cause of the tray's events); anything else is 409 VmRunning naming the fields.
 */
import { BridgeErrorClass, type VmDefinition } from '@qmpdeck/protocol';
import { BridgeError, badRequest } from '../bridge-error.ts';
import type { CommandRequest } from '../commands/command-request.ts';
import type { VmSupervisor } from '../vms/vm-supervisor.ts';
import { type DefinedVms, vmRunning } from './defined-vms.ts';
import { parseDefinition } from './definition-input.ts';
import { withMacs } from './mac-address.ts';
import { type MadeDisk, prepareDrives, removeMade } from './prepare-drives.ts';

/** Top-level fields a running VM may change without a restart (besides its CD-ROM media). */
const LIVE_FIELDS = ['name', 'description', 'autostart'] as const;

export async function updateDefinition(
  defined: DefinedVms,
  vm: VmSupervisor,
  request: CommandRequest,
): Promise<VmDefinition> {
  const current = defined.require(vm);
  if (vm.held !== null)
    throw new BridgeError(BridgeErrorClass.Conflict, `VM "${vm.id}" cannot change now: ${vm.held}`, 409);
  const body = request.arguments ?? {};
  const given = (body as { id?: unknown }).id;
  if (given !== undefined && given !== vm.id) {
    throw badRequest(
      `id: "${String(given)}" is not this VM's id ("${vm.id}"); a VM keeps its id (clone it for another)`,
    );
  }
  const parsedInput = parseDefinition({ ...body, id: vm.id });
  const next: VmDefinition = { ...parsedInput, nics: withMacs(parsedInput.nics, current.nics) };
  if (vm.process?.running) {
    await changeLive(defined, vm, current, next, request);
    defined.save({ ...next, disks: current.disks });
    return { ...next, disks: current.disks };
  }
  const made: MadeDisk[] = [];
  try {
    const prepared = await prepareDrives(defined.deps.images, next, made);
    defined.save(prepared);
    return prepared;
  } catch (err) {
    removeMade(made);
    throw err;
  }
}

/** A running VM's change: refused unless live; its CD-ROM media changed through the pipeline. */
async function changeLive(
  defined: DefinedVms,
  vm: VmSupervisor,
  current: VmDefinition,
  next: VmDefinition,
  request: CommandRequest,
): Promise<void> {
  const fields = fieldsNeedingStop(current, next);
  if (fields.length > 0) {
    throw vmRunning(`VM "${vm.id}" is running: ${fields.join(', ')} can change only while it is stopped`);
  }
  for (const [index, cdrom] of next.cdroms.entries()) {
    const before = current.cdroms[index]?.image;
    if (cdrom.image === before) continue;
    const id = `cdrom${index}`;
    const common = { vm: vm.id, target: 'qmp' as const, actor: request.actor, principal: request.principal };
    if (cdrom.image === undefined) {
      await defined.deps.run({ ...common, command: 'eject', arguments: { id, force: true } });
      continue;
    }
    const field = `cdroms[${index}].image`;
    const path = defined.deps.images.path(cdrom.image, 'iso', field);
    await defined.deps.images.claim(path, 'cdrom', vm.id, cdrom.image, field);
    await defined.deps.run({
      ...common,
      command: 'blockdev-change-medium',
      arguments: { id, filename: path, format: 'raw', 'read-only-mode': 'read-only' },
    });
  }
}

/** Which top-level fields differ in a way only a stopped VM takes (CD-ROM images alone are live). */
export function fieldsNeedingStop(current: VmDefinition, next: VmDefinition): string[] {
  const fields: string[] = [];
  for (const key of Object.keys({ ...current, ...next }) as (keyof VmDefinition)[]) {
    if ((LIVE_FIELDS as readonly string[]).includes(key)) continue;
    const a = key === 'cdroms' ? current.cdroms.map(({ image: _, ...drive }) => drive) : current[key];
    const b = key === 'cdroms' ? next.cdroms.map(({ image: _, ...drive }) => drive) : next[key];
    if (key === 'disks' ? !sameDisks(current.disks, next.disks) : canonical(a) !== canonical(b))
      fields.push(key);
  }
  return fields;
}

/** The same disks, where the new definition may leave out a format the stored one names. */
function sameDisks(current: VmDefinition['disks'], next: VmDefinition['disks']): boolean {
  return (
    current.length === next.length &&
    current.every((disk, index) => {
      const other = next[index];
      if (other === undefined) return false;
      const format = disk.format ?? other.format;
      return canonical({ ...disk, format }) === canonical({ ...other, format: other.format ?? format });
    })
  );
}

/**
 * JSON with keys sorted at every depth and undefined left out: equal values, equal text (a stored definition and
 * the same one sent back may list an object's keys in another order, e.g. a NIC's generated `mac`).
 */
function canonical(value: unknown): string {
  return JSON.stringify(sorted(value));
}

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => [k, sorted(v)]),
  );
}
