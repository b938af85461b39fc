/**
 * From the form's draft to the body the bridge reads (`POST /api/vms`, `PUT .../definition`), with the errors
 * the page can tell before sending. Only what differs from the protocol's defaults is sent: a field left as
 * the form filled it from the defaults stays out of the request, so the bridge's defaults decide, and the
 * audit log shows what the person chose. Both checks use the protocol's own validator.
 */
import {
  type DiskDefinition,
  type NicDefinition,
  type PortForward,
  VmDefinition,
  VmDefinitionInput,
  type VmDefinitionRequest,
} from '@qmpdeck/protocol';
import type { CdromDraft, DefinitionDraft, DiskDraft, ForwardDraft, NicDraft } from './definition-draft.ts';
import { PROTOCOL_DEFAULTS } from './definition-draft.ts';
import { type FieldErrors, fieldErrorsFromIssues, mergeErrors } from './field-errors.ts';

type DiskInput = Partial<Record<keyof DiskDefinition, unknown>>;
type NicInput = Partial<Record<keyof NicDefinition, unknown>>;
type ForwardInput = Partial<Record<keyof PortForward, unknown>>;

/**
 * Reads the draft's text, collecting what the page can say in its own words before the validator sees it (a
 * number that is not one, a choice not made): clearer than the validator's "expected number, received string".
 */
class DraftReader {
  readonly errors: FieldErrors = { fields: {}, general: [] };

  /** A whole number from the text at `key`; the text itself when it is none (the validator then refuses it). */
  whole(key: string, text: string): number | string {
    const trimmed = text.trim();
    if (/^\d+$/.test(trimmed)) return Number(trimmed);
    this.errors.fields[key] = trimmed === '' ? 'required' : 'expected a whole number';
    return trimmed;
  }

  /** Text that must not be empty. */
  required(key: string, text: string, what: string): string {
    const trimmed = text.trim();
    if (trimmed === '') this.errors.fields[key] = `required: ${what}`;
    return trimmed;
  }
}

/** "16 GiB", "16GB", "16g" are what people type for qemu-img's "16G". */
export function normalizeSize(text: string): string {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmgtpe])(?:i?b)?\s*$/i.exec(text);
  return match ? `${match[1]}${match[2]?.toUpperCase()}` : text.trim();
}

function diskInput(disk: DiskDraft, key: string, reader: DraftReader): DiskInput {
  const input: DiskInput =
    disk.source === 'new'
      ? {
          size: normalizeSize(reader.required(`${key}.size`, disk.size, 'a size such as 16G')),
          ...(disk.storage ? { storage: disk.storage } : {}),
        }
      : { image: reader.required(`${key}.image`, disk.image, 'choose an image') };
  if (disk.bus !== 'virtio') input.bus = disk.bus;
  for (const [key, value] of Object.entries(disk.kept ?? {})) {
    if (value !== undefined) input[key as keyof DiskDefinition] = value;
  }
  return input;
}

function cdromInput(cdrom: CdromDraft): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  if (cdrom.image) input.image = cdrom.image;
  for (const [key, value] of Object.entries(cdrom.kept ?? {})) {
    if (value !== undefined) input[key] = value;
  }
  return input;
}

function forwardInput(forward: ForwardDraft, key: string, numbers: DraftReader): ForwardInput {
  return {
    protocol: forward.protocol,
    ...(forward.host.trim() ? { host: forward.host.trim() } : {}),
    hostPort: numbers.whole(`${key}.hostPort`, forward.hostPort),
    guestPort: numbers.whole(`${key}.guestPort`, forward.guestPort),
  };
}

function nicInput(nic: NicDraft, key: string, numbers: DraftReader): NicInput {
  const input: NicInput = { type: nic.type, model: nic.model };
  if (nic.type === 'bridge')
    input.bridge = numbers.required(`${key}.bridge`, nic.bridge, 'the bridge, e.g. br0');
  if (nic.type === 'tap') input.tap = numbers.required(`${key}.tap`, nic.tap, 'the tap interface, e.g. tap0');
  if (nic.type === 'user' && nic.forwards.length > 0) {
    input.forwards = nic.forwards.map((forward, index) =>
      forwardInput(forward, `${key}.forwards.${index}`, numbers),
    );
  }
  if (nic.mac) input.mac = nic.mac;
  return input;
}

/** One argument per line; blank lines are the textarea's, not arguments. */
export function extraArgsFromText(text: string): string[] {
  return text.split('\n').filter((line) => line.trim() !== '');
}

type Field = keyof typeof VmDefinitionInput.shape;

/** True when the field's value, read by the protocol, is its default: then the request leaves it out. */
function isDefault(field: Exclude<Field, 'id'>, value: unknown): boolean {
  const parsed = VmDefinitionInput.shape[field].safeParse(value);
  return parsed.success && JSON.stringify(parsed.data) === JSON.stringify(PROTOCOL_DEFAULTS[field]);
}

export interface DraftRequest {
  request: VmDefinitionRequest;
  /** What the page can tell is wrong before sending; empty when the bridge should be asked. */
  errors: FieldErrors;
}

export function requestFromDraft(draft: DefinitionDraft): DraftRequest {
  const numbers = new DraftReader();
  const name = draft.name.trim();
  const full: Record<Exclude<Field, 'id'>, unknown> = {
    // The name's default is the id: a name equal to it says nothing more.
    name: name === '' ? undefined : name,
    description: draft.description,
    cpus: numbers.whole('cpus', draft.cpus),
    cpuModel: draft.cpuModel.trim(),
    memoryMiB: numbers.whole('memoryMiB', draft.memoryMiB),
    machine: draft.machine,
    firmware: draft.firmware,
    disks: draft.disks.map((disk, index) => diskInput(disk, `disks.${index}`, numbers)),
    cdroms: draft.cdroms.map(cdromInput),
    nics: draft.nics.map((nic, index) => nicInput(nic, `nics.${index}`, numbers)),
    display: draft.display,
    serial: draft.serial,
    guestAgent: draft.guestAgent,
    autostart: draft.autostart,
    extraArgs: extraArgsFromText(draft.extraArgs),
  };
  const request: Record<string, unknown> = { id: draft.id.trim() };
  for (const [field, value] of Object.entries(full) as [Exclude<Field, 'id'>, unknown][]) {
    if (value === undefined) continue;
    if (field === 'name' && value === request.id) continue;
    if (!isDefault(field, value)) request[field] = value;
  }
  const checked = VmDefinition.safeParse(request);
  const validatorErrors = checked.success
    ? { fields: {}, general: [] }
    : fieldErrorsFromIssues(checked.error.issues);
  return {
    request: request as VmDefinitionRequest,
    // The page's own words for numbers first: "expected a whole number" beats zod's "expected number, received string".
    errors: mergeErrors(numbers.errors, validatorErrors),
  };
}
