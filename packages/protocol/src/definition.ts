/**
 * A VM definition: the small typed document from which the bridge builds QEMU's argv (one pure function in the
 * bridge). Stored as one JSON file per VM in the bridge's data directory. Everything but `id` has a default;
 * unknown fields are refused. Images are named `STORAGE:FILE` (a storage location's id and a file inside it).
 */
import { z } from 'zod';
import { Job } from './jobs.ts';
import { parseSize } from './size.ts';
import { Vm } from './vm.ts';

export const VM_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
export const VmId = z
  .string()
  .regex(VM_ID_PATTERN, 'expected letters, digits, ".", "_" or "-" (at most 128)');

/** `local:debian.iso`: a file in a storage location, never a host path. */
export const ImageRef = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}:[^/\\\0]{1,255}$/,
    'expected "STORAGE:FILE" (a storage location id and a file name in it)',
  )
  .refine((ref) => {
    const file = ref.slice(ref.indexOf(':') + 1);
    return file !== '.' && file !== '..';
  }, 'the file name may not be "." or ".."');
export type ImageRef = z.infer<typeof ImageRef>;

/** Bytes, or a size as qemu-img reads it ("64M" = 64 MiB); stored as bytes. */
export const DiskSize = z.union([z.number().int().positive(), z.string()]).transform((value, ctx) => {
  const bytes = typeof value === 'number' ? value : parseSize(value);
  if (bytes === null || bytes <= 0) {
    ctx.addIssue({ code: 'custom', message: 'expected bytes or a size such as "64M", "20G"' });
    return z.NEVER;
  }
  return bytes;
});

export const DiskBus = z.enum(['virtio', 'scsi', 'sata', 'ide']);
export const DiskCache = z.enum(['none', 'writeback', 'writethrough', 'directsync', 'unsafe']);

export const DiskDefinition = z
  .strictObject({
    /** An existing image. */
    image: ImageRef.optional(),
    /** A new qcow2 image of this size, made with `qemu-img create` when the VM is created. */
    size: DiskSize.optional(),
    /** Where a new image goes; default the first storage location whose content includes "disk". */
    storage: z.string().optional(),
    bus: DiskBus.default('virtio'),
    /** Default: from the image (qemu-img info), qcow2 for new disks. */
    format: z.enum(['qcow2', 'raw']).optional(),
    cache: DiskCache.default('writeback'),
    discard: z.boolean().default(false),
    /** Boot order (lower first); default: disks in order, then CD-ROMs. */
    boot: z.number().int().min(0).max(99).optional(),
  })
  .refine((disk) => (disk.image === undefined) !== (disk.size === undefined), {
    message: 'give either "image" (an existing image) or "size" (a new disk)',
  });
export type DiskDefinition = z.infer<typeof DiskDefinition>;

export const CdromDefinition = z.strictObject({
  /** The ISO in the drive; absent: an empty drive. */
  image: ImageRef.optional(),
  bus: z.enum(['ide', 'sata', 'scsi']).default('ide'),
  boot: z.number().int().min(0).max(99).optional(),
});
export type CdromDefinition = z.infer<typeof CdromDefinition>;

export const PortForward = z.strictObject({
  protocol: z.enum(['tcp', 'udp']).default('tcp'),
  /** Host address to listen on; default loopback. */
  host: z.string().default('127.0.0.1'),
  hostPort: z.number().int().min(1).max(65535),
  guestPort: z.number().int().min(1).max(65535),
});
export type PortForward = z.infer<typeof PortForward>;

export const MAC_PATTERN = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;

export const NicDefinition = z
  .strictObject({
    /** `user`: QEMU's user networking (NAT, port forwards); `bridge`: an existing Linux bridge; `tap`: an existing tap. */
    type: z.enum(['user', 'bridge', 'tap']).default('user'),
    /** The Linux bridge (type `bridge`), through qemu-bridge-helper. */
    bridge: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,15}$/)
      .optional(),
    /** The tap interface (type `tap`). */
    tap: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,15}$/)
      .optional(),
    model: z.enum(['virtio', 'e1000']).default('virtio'),
    /** Kept stable: generated once (52:54:00:...) when the VM is created, then stored. */
    mac: z
      .string()
      .transform((mac) => mac.toLowerCase())
      .pipe(z.string().regex(MAC_PATTERN, 'expected a MAC address such as 52:54:00:12:34:56'))
      .optional(),
    forwards: z.array(PortForward).default([]),
  })
  .refine((nic) => nic.type !== 'bridge' || nic.bridge !== undefined, {
    message: 'a "bridge" NIC needs "bridge" (the Linux bridge name)',
  })
  .refine((nic) => nic.type !== 'tap' || nic.tap !== undefined, { message: 'a "tap" NIC needs "tap"' })
  .refine((nic) => nic.type === 'user' || nic.forwards.length === 0, {
    message: '"forwards" are for "user" networking only',
  });
export type NicDefinition = z.infer<typeof NicDefinition>;

export const VmDefinitionInput = z.strictObject({
  id: VmId,
  name: z.string().min(1).max(200).optional(),
  description: z.string().max(2000).default(''),
  cpus: z.number().int().min(1).max(256).default(1),
  /** `max` (every feature the accelerator offers; `host` under KVM), `host` (KVM only), or a named model. */
  cpuModel: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/)
    .default('max'),
  memoryMiB: z
    .number()
    .int()
    .min(16)
    .max(4 * 1024 * 1024)
    .default(512),
  machine: z.enum(['q35', 'pc']).default('q35'),
  firmware: z.enum(['bios', 'uefi']).default('bios'),
  disks: z.array(DiskDefinition).max(16).default([]),
  cdroms: z.array(CdromDefinition).max(4).default([]),
  nics: z
    .array(NicDefinition)
    .max(8)
    .default([{ type: 'user', model: 'virtio', forwards: [] }]),
  display: z.enum(['vnc', 'none']).default('vnc'),
  serial: z.boolean().default(true),
  guestAgent: z.boolean().default(true),
  autostart: z.boolean().default(false),
  /** Appended to QEMU's argv as they are (never through a shell). */
  extraArgs: z.array(z.string().max(4096)).max(256).default([]),
});

/** The parsed definition: `name` defaults to the id. */
export const VmDefinition = VmDefinitionInput.transform((def) => ({ ...def, name: def.name ?? def.id }));
export type VmDefinition = z.output<typeof VmDefinition>;
export type VmDefinitionRequest = z.input<typeof VmDefinition>;

/** `PUT /api/vms/:id/definition`: the whole definition; `id` may be left out but must match when given. */
export const DefinitionUpdate = VmDefinitionInput.extend({ id: VmId.optional() });

/** `POST /api/vms/:id/clone`. */
export const CloneRequest = z.strictObject({ id: VmId, name: z.string().min(1).max(200).optional() });
export type CloneRequest = z.infer<typeof CloneRequest>;

/** `POST /api/vms/:id/stop`: power down, wait, then quit, then kill. */
export const StopRequest = z.strictObject({
  timeoutMs: z.number().int().min(0).max(3_600_000).optional(),
});
export type StopRequest = z.infer<typeof StopRequest>;

/**
 * `POST /api/vms/:id/clone` answers 202 with both: the new VM, listed at once (stopped; Start refused while its
 * disks are copied), and the job copying them. The VM is removed again if the copy fails or is cancelled.
 */
export const CloneResponse = z.object({ job: Job, vm: Vm });
export type CloneResponse = z.infer<typeof CloneResponse>;
