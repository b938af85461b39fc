/**
 * The definition form's state: what the person sees and types, as text where they type text. A draft starts
 * from the protocol's own defaults (read from its schema, never copied here), plus the form's two additions
 * for a new VM: a 16 GiB disk and a CD-ROM drive for the installer. What a draft holds that the form does not
 * show (a NIC's MAC, a disk's cache mode) is kept as it was in `kept`, so saving an edit loses nothing.
 */
import {
  type CdromDefinition,
  type DiskDefinition,
  type NicDefinition,
  type PortForward,
  VM_ID_PATTERN,
  VmDefinition,
} from '@qmpdeck/protocol';

export type DiskBus = DiskDefinition['bus'];

export interface ForwardDraft {
  protocol: PortForward['protocol'];
  /** Host address to listen on; empty: the bridge's default (loopback). */
  host: string;
  hostPort: string;
  guestPort: string;
}

export interface NicDraft {
  type: NicDefinition['type'];
  bridge: string;
  tap: string;
  model: NicDefinition['model'];
  forwards: ForwardDraft[];
  /** Shown read-only: stable once the bridge chose it. */
  mac: string | null;
}

export interface DiskDraft {
  /** A new qcow2 made at creation, or an image that exists in a storage location. */
  source: 'new' | 'existing';
  /** As qemu-img reads it ("16G"). */
  size: string;
  /** Where a new disk goes; empty: the bridge's default (the first location for disks). */
  storage: string;
  /** `STORAGE:FILE` of an existing image. */
  image: string;
  bus: DiskBus;
  kept: Pick<DiskDefinition, 'format' | 'cache' | 'discard' | 'boot'> | null;
}

export interface CdromDraft {
  /** `STORAGE:FILE` of the ISO; empty: an empty drive. */
  image: string;
  kept: Pick<CdromDefinition, 'bus' | 'boot'> | null;
}

export interface DefinitionDraft {
  id: string;
  /** True once the person typed an id of their own: the name stops rewriting it. */
  idEdited: boolean;
  name: string;
  description: string;
  cpus: string;
  cpuModel: string;
  memoryMiB: string;
  machine: VmDefinition['machine'];
  firmware: VmDefinition['firmware'];
  disks: DiskDraft[];
  cdroms: CdromDraft[];
  nics: NicDraft[];
  display: VmDefinition['display'];
  serial: boolean;
  guestAgent: boolean;
  autostart: boolean;
  /** One argument per line (argv: nothing is split or quoted). */
  extraArgs: string;
}

/** The definition every field of which is the protocol's default (`id` aside). */
export const PROTOCOL_DEFAULTS: VmDefinition = VmDefinition.parse({ id: 'defaults' });

export const NEW_DISK_SIZE = '16G';

/** The default host address of a port forward, as the protocol fills it. */
const PROTOCOL_FORWARD_HOST = '127.0.0.1';

export function newDiskDraft(): DiskDraft {
  return { source: 'new', size: NEW_DISK_SIZE, storage: '', image: '', bus: 'virtio', kept: null };
}

export function newNicDraft(): NicDraft {
  return { type: 'user', bridge: '', tap: '', model: 'virtio', forwards: [], mac: null };
}

export function newForwardDraft(): ForwardDraft {
  return { protocol: 'tcp', host: '', hostPort: '', guestPort: '' };
}

function forwardDraft(forward: PortForward): ForwardDraft {
  return {
    protocol: forward.protocol,
    host: forward.host === PROTOCOL_FORWARD_HOST ? '' : forward.host,
    hostPort: String(forward.hostPort),
    guestPort: String(forward.guestPort),
  };
}

function nicDraft(nic: NicDefinition): NicDraft {
  return {
    type: nic.type,
    bridge: nic.bridge ?? '',
    tap: nic.tap ?? '',
    model: nic.model,
    forwards: nic.forwards.map(forwardDraft),
    mac: nic.mac ?? null,
  };
}

function diskDraft(disk: DiskDefinition): DiskDraft {
  const kept = { format: disk.format, cache: disk.cache, discard: disk.discard, boot: disk.boot };
  if (disk.image !== undefined) {
    return { source: 'existing', size: '', storage: '', image: disk.image, bus: disk.bus, kept };
  }
  return {
    source: 'new',
    size: String(disk.size ?? ''),
    storage: disk.storage ?? '',
    image: '',
    bus: disk.bus,
    kept,
  };
}

/** A new VM: the protocol's defaults, one new 16 GiB disk, one CD-ROM drive for the installer ISO. */
export function newVmDraft(): DefinitionDraft {
  const d = PROTOCOL_DEFAULTS;
  return {
    id: '',
    idEdited: false,
    name: '',
    description: d.description,
    cpus: String(d.cpus),
    cpuModel: d.cpuModel,
    memoryMiB: String(d.memoryMiB),
    machine: d.machine,
    firmware: d.firmware,
    disks: [newDiskDraft()],
    cdroms: [{ image: '', kept: null }],
    nics: d.nics.map(nicDraft),
    display: d.display,
    serial: d.serial,
    guestAgent: d.guestAgent,
    autostart: d.autostart,
    extraArgs: d.extraArgs.join('\n'),
  };
}

/** The edit form of a VM the bridge defined, filled from `GET /api/vms/:id/definition`. */
export function draftFromDefinition(definition: VmDefinition): DefinitionDraft {
  return {
    id: definition.id,
    idEdited: true,
    name: definition.name,
    description: definition.description,
    cpus: String(definition.cpus),
    cpuModel: definition.cpuModel,
    memoryMiB: String(definition.memoryMiB),
    machine: definition.machine,
    firmware: definition.firmware,
    disks: definition.disks.map(diskDraft),
    cdroms: definition.cdroms.map((cdrom) => ({
      image: cdrom.image ?? '',
      kept: { bus: cdrom.bus, boot: cdrom.boot },
    })),
    nics: definition.nics.map(nicDraft),
    display: definition.display,
    serial: definition.serial,
    guestAgent: definition.guestAgent,
    autostart: definition.autostart,
    extraArgs: definition.extraArgs.join('\n'),
  };
}

/**
 * A VM id from its name, as far as the name allows: "Web server 2" -> "web-server-2". What the id may not hold
 * becomes "-"; an id must start with a letter or digit. Empty when nothing of the name is usable.
 */
export function idFromName(name: string): string {
  const id = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .replace(/-+$/, '')
    .slice(0, 128);
  return VM_ID_PATTERN.test(id) ? id : '';
}

/** The draft after the name changed: the id follows it until the person typed an id of their own. */
export function withName(draft: DefinitionDraft, name: string): DefinitionDraft {
  return draft.idEdited ? { ...draft, name } : { ...draft, name, id: idFromName(name) };
}
