/** Backups and internal snapshots of a VM's disks. */
import { z } from 'zod';

export const BackupDisk = z.object({
  /** The VM's drive (device id or node name). */
  drive: z.string(),
  /** `STORAGE:FILE` of the backup image. */
  file: z.string(),
  size: z.number(),
});

/** `GET /api/vms/:id/backups`. */
export const Backup = z.object({
  id: z.string(),
  vm: z.string(),
  storage: z.string(),
  /** Milliseconds since the epoch. */
  time: z.number(),
  /** Bytes on disk, all disks together. */
  size: z.number(),
  user: z.string().nullable(),
  disks: z.array(BackupDisk),
  /** True for an incremental backup (dirty bitmap) on top of `base`. */
  incremental: z.boolean().optional(),
  base: z.string().nullable().optional(),
});
export type Backup = z.infer<typeof Backup>;
export const BackupList = z.array(Backup);

/** `POST /api/vms/:id/backups`. */
export const BackupRequest = z.strictObject({
  storage: z.string().optional(),
  incremental: z.boolean().optional(),
  /** Bytes per second at most (QEMU's `speed`), so a backup leaves the disks to the guest; default unlimited. */
  speed: z.number().int().positive().optional(),
});
/** `POST /api/vms/:id/backups/:backup/restore`: to a new VM (`as`), or over the stopped VM's own disks. */
export const RestoreRequest = z.strictObject({ as: z.string().optional() });

/** `GET /api/vms/:id/snapshots`. */
export const Snapshot = z.object({
  name: z.string(),
  description: z.string().nullable(),
  /** Milliseconds since the epoch. */
  time: z.number(),
  /** Bytes of RAM state saved with it (0 for disk-only). */
  vmStateSize: z.number(),
  /** The guest's clock at the snapshot, seconds since it booted. */
  vmClockSeconds: z.number().nullable(),
  disks: z.array(z.string()),
});
export type Snapshot = z.infer<typeof Snapshot>;
export const SnapshotList = z.array(Snapshot);

/** `POST /api/vms/:id/snapshots`. */
export const SnapshotRequest = z.strictObject({
  name: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'expected letters, digits, ".", "_" or "-"'),
  description: z.string().max(500).optional(),
});

/** `GET /api/vms/:id/dumps`: a memory dump (ELF) in a storage location. */
export const MemoryDump = z.object({
  name: z.string(),
  vm: z.string(),
  storage: z.string(),
  /** Milliseconds since the epoch. */
  time: z.number(),
  size: z.number(),
});
export type MemoryDump = z.infer<typeof MemoryDump>;
export const MemoryDumpList = z.array(MemoryDump);
