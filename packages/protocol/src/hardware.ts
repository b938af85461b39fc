/**
 * What a VM is made of, as the Hardware tab shows it (`GET /api/vms/:id/hardware`), and the bodies of the routes
 * that change it: NIC hot-plug (`POST /api/vms/:id/nics`), and, once issue 13's storage locations are there,
 * media from a storage location (`POST /api/vms/:id/media`) and disk hot-plug (`POST /api/vms/:id/disks`).
 * The bridge assembles it from QEMU's own answers (query-block, query-named-block-nodes, QOM, query-rx-filter,
 * query-pci, memory and CPU queries), read as one bridge action (`hardware.read`) as the person asking.
 */
import { z } from 'zod';
import { ErrorBody } from './errors.ts';

export const DiskMedium = z.object({
  /** The image file as QEMU opened it (a host path). */
  file: z.string(),
  /** The format driver (`qcow2`, `raw`). */
  format: z.string(),
  /** The format node's name (`#block123` for nodes QEMU named itself). */
  nodeName: z.string().nullable(),
  /** The protocol node under it (`file`, `host_device`...), from query-named-block-nodes; null when not read. */
  protocol: z.string().nullable(),
  readOnly: z.boolean(),
  /** Bytes the guest sees. */
  virtualSize: z.number().nullable(),
  /** Bytes the image takes on the host; null when QEMU does not know. */
  actualSize: z.number().nullable(),
  cache: z.object({ writeback: z.boolean(), direct: z.boolean(), noFlush: z.boolean() }),
  backingFile: z.string().nullable(),
  encrypted: z.boolean(),
});
export type DiskMedium = z.infer<typeof DiskMedium>;

export const HardwareDisk = z.object({
  /**
   * The drive's name for the media route and the usage series (`disk.<drive>.read`): the block backend's name
   * (`-drive id=`) when it has one, else the device's qdev id.
   */
  drive: z.string(),
  /** The block backend's name (query-block `device`); null for a `-device ...,drive=<node>` drive. */
  device: z.string().nullable(),
  /** The device's id (`hpdisk0`), or its QOM path when it has no id; null for a drive with no device. */
  qdev: z.string().nullable(),
  /** The device's QOM type (`ide-cd`, `virtio-blk-pci`, `floppy`); null when unknown. */
  model: z.string().nullable(),
  kind: z.enum(['disk', 'cdrom', 'floppy']),
  removable: z.boolean(),
  /** Removable drives only. */
  trayOpen: z.boolean().nullable(),
  locked: z.boolean(),
  ioStatus: z.string().nullable(),
  medium: DiskMedium.nullable(),
  /** The bridge can unplug it (a device with an id, on a hot-pluggable bus). */
  unpluggable: z.boolean(),
});
export type HardwareDisk = z.infer<typeof HardwareDisk>;

/**
 * A NIC's link as the bridge knows it. QEMU has no query for it: the bridge remembers the last `set_link` that
 * passed through it since it connected to this QEMU; before any, `unknown` (QEMU starts every link up).
 */
export const LinkState = z.enum(['up', 'down', 'unknown']);
export type LinkState = z.infer<typeof LinkState>;

export const HardwareNic = z.object({
  /** The device's id (`nic0`), or its QOM path when it has none. What `set_link` and unplug take. */
  id: z.string(),
  /** The name `set_link` knows it by: its id, else QEMU's own name for it (`virtio-net-pci.0`). */
  linkName: z.string(),
  model: z.string(),
  mac: z.string().nullable(),
  netdev: z.string().nullable(),
  link: LinkState,
  /** From query-rx-filter, for models that report it (virtio-net); null otherwise. */
  rxFilter: z
    .object({
      promiscuous: z.boolean(),
      broadcastAllowed: z.boolean(),
      unicast: z.string(),
      multicast: z.string(),
    })
    .nullable(),
  unpluggable: z.boolean(),
});
export type HardwareNic = z.infer<typeof HardwareNic>;

export const PciDevice = z.object({
  bus: z.number().int(),
  slot: z.number().int(),
  function: z.number().int(),
  /** The class in words (`Ethernet controller`), or its number in hex. */
  class: z.string(),
  vendor: z.number().int(),
  device: z.number().int(),
  qdev: z.string().nullable(),
});
export type PciDevice = z.infer<typeof PciDevice>;

export const HardwareCpus = z.object({
  /** vCPUs present, with the host thread each runs on. */
  present: z.array(
    z.object({
      index: z.number().int(),
      threadId: z.number().int().nullable(),
      socket: z.number().int().nullable(),
      core: z.number().int().nullable(),
      thread: z.number().int().nullable(),
    }),
  ),
  /** Every slot (present or free), from query-hotpluggable-cpus; null when the machine does not say. */
  slots: z.number().int().nullable(),
  topology: z
    .object({ sockets: z.number().int(), cores: z.number().int(), threads: z.number().int() })
    .nullable(),
});
export type HardwareCpus = z.infer<typeof HardwareCpus>;

export const HardwareMemory = z.object({
  base: z.number(),
  plugged: z.number(),
  /** The balloon's current size; null without a balloon device. */
  balloon: z.number().nullable(),
  /** Memory devices (pc-dimm, virtio-mem...): id and size. */
  devices: z.array(z.object({ type: z.string(), id: z.string().nullable(), size: z.number().nullable() })),
});
export type HardwareMemory = z.infer<typeof HardwareMemory>;

/** Where a hot-plugged PCI device can go, and whether there is such a place. */
export const Hotplug = z.object({
  /** QEMU's machine type (`pc-i440fx-7.2`, `pc-q35-7.2`). */
  machine: z.string().nullable(),
  possible: z.boolean(),
  /** The bus a new device would go on (`rp1`, a free PCIe root port on q35); null: the default PCI bus (pc). */
  bus: z.string().nullable(),
  /** Why not, or what to expect (ACPI hot-plug waits for the guest), in words. */
  note: z.string().nullable(),
});
export type Hotplug = z.infer<typeof Hotplug>;

export const Hardware = z.object({
  disks: z.array(HardwareDisk),
  nics: z.array(HardwareNic),
  pci: z.array(PciDevice),
  /** USB devices from QOM (`usb-tablet`...), by id or path and type. */
  usb: z.array(z.object({ id: z.string(), model: z.string() })),
  memory: HardwareMemory.nullable(),
  cpus: HardwareCpus.nullable(),
  hotplug: Hotplug,
  /**
   * The parts QEMU (or the caller's role) did not answer, by section (`disks`, `nics`, `pci`, `memory`, `cpus`,
   * `nodes`): the rest is still shown.
   */
  errors: z.record(z.string(), ErrorBody),
});
export type Hardware = z.infer<typeof Hardware>;

/** `STORAGE:FILE`: a file of a storage location, as definitions and the storage routes name it. */
export const StorageRef = z
  .string()
  .min(3)
  .max(400)
  .regex(/^[^:/\\]+:[^/\\]+$/, 'expected "STORAGE:FILE" (a storage location id and a file name in it)');

/** `POST /api/vms/:id/media`: put an image from a storage location in a removable drive, or empty it (`null`). */
export const MediaRequest = z.strictObject({
  /** The drive's `drive` name from the hardware list. */
  drive: z.string().min(1).max(256),
  image: StorageRef.nullable(),
  origin: z.string().max(128).optional(),
});
export type MediaRequest = z.infer<typeof MediaRequest>;

/** What `POST /api/vms/:id/media` answers once QEMU has the new medium (or the drive is empty). */
export const MediaChange = z.object({
  drive: z.string(),
  /** The image now in the drive, or null when it was emptied. */
  image: StorageRef.nullable(),
});
export type MediaChange = z.infer<typeof MediaChange>;

export const NIC_MODELS = ['virtio-net-pci', 'e1000', 'e1000e', 'rtl8139'] as const;
const Mac = z
  .string()
  .regex(/^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$/, 'expected a MAC such as 52:54:00:12:34:56');

/** `POST /api/vms/:id/nics`: a new NIC on user-mode networking (the `device.nic-add` action). */
export const NicAddRequest = z.strictObject({
  model: z.enum(NIC_MODELS).optional(),
  mac: Mac.optional(),
  origin: z.string().max(128).optional(),
});
export type NicAddRequest = z.infer<typeof NicAddRequest>;

/** `POST /api/vms/:id/disks`: hot-plug an image from a storage location as a virtio disk (`device.disk-add`). */
export const DiskAddRequest = z.strictObject({
  image: StorageRef,
  readOnly: z.boolean().optional(),
  origin: z.string().max(128).optional(),
});
export type DiskAddRequest = z.infer<typeof DiskAddRequest>;

/** What the hot-plug and unplug routes answer once QEMU has done it. */
export const DeviceChange = z.object({
  /** The device's id (`hpdisk0`, `hpnic0`). */
  device: z.string(),
  /** The node or netdev that went with it. */
  backend: z.string().nullable(),
});
export type DeviceChange = z.infer<typeof DeviceChange>;
