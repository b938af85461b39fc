/**
 * Storage locations: directories named in the bridge's config where images, ISOs and backups live. Files are
 * addressed by location id and file name only; nothing outside a location is ever opened.
 */
import { z } from 'zod';

export const StorageContent = z.enum(['disk', 'iso', 'backup', 'dump']);
export type StorageContent = z.infer<typeof StorageContent>;

/** `GET /api/storage`. */
export const StorageLocation = z.object({
  id: z.string(),
  path: z.string(),
  content: z.array(StorageContent),
  /** Bytes, from statfs; null when unknown. */
  total: z.number().nullable(),
  free: z.number().nullable(),
});
export type StorageLocation = z.infer<typeof StorageLocation>;

/** A plain file name in a storage location: no separators, no `..`, no NUL, at most 255 bytes. */
export const StorageFileName = z
  .string()
  .min(1)
  .max(255)
  .refine((name) => !/[/\\\0]/.test(name) && name !== '.' && name !== '..', {
    message: 'expected a plain file name (no "/", "\\", "..")',
  });

/** `GET /api/storage/:id/files`. */
export const StorageFile = z.object({
  storage: z.string(),
  name: z.string(),
  /** `STORAGE:FILE`, as definitions name it. */
  ref: z.string(),
  /** Bytes on disk. */
  size: z.number(),
  /** For disk images: the virtual size (qemu-img info). */
  virtualSize: z.number().nullable(),
  format: z.string().nullable(),
  /** Milliseconds since the epoch. */
  modified: z.number(),
  /** VMs whose definition names it or that have it open now. */
  usedBy: z.array(z.string()),
});
export type StorageFile = z.infer<typeof StorageFile>;

/** `POST /api/storage/:id/download`: the bridge fetches a URL into the location, as a job. */
export const DownloadRequest = z.strictObject({
  url: z.url({ protocol: /^https?$/ }),
  name: StorageFileName,
});
export type DownloadRequest = z.infer<typeof DownloadRequest>;
