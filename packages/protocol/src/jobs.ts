/**
 * Long work, as a task log: QEMU's jobs (backups, snapshots, dumps, hibernation) and the bridge's own (uploads,
 * downloads, clones), each with its progress, who started it and how it ended. Pushed as `job` messages.
 */
import { z } from 'zod';

export const JobStatus = z.enum(['running', 'paused', 'done', 'failed', 'cancelled']);
export type JobStatus = z.infer<typeof JobStatus>;

export const Job = z.object({
  id: z.string(),
  /** The VM it works on; null for storage transfers. */
  vm: z.string().nullable(),
  /** `backup`, `restore`, `snapshot-save`, `snapshot-load`, `snapshot-delete`, `hibernate`, `dump`, `upload`, `download`, `clone`, ... */
  kind: z.string(),
  status: JobStatus,
  /** In the job's own units (bytes for transfers and backups); null when QEMU gives none. */
  progress: z.object({ current: z.number(), total: z.number() }).nullable(),
  /** Units per second, over the last few seconds. */
  rate: z.number().nullable().optional(),
  /** Seconds, estimated from the rate. */
  timeLeft: z.number().nullable().optional(),
  /** Milliseconds since the epoch. */
  startedAt: z.number(),
  endedAt: z.number().nullable().optional(),
  user: z.string().nullable().optional(),
  /** The command that started it (`backup.create`, `vm.clone`, ...). */
  command: z.string().nullable().optional(),
  error: z.string().nullable().optional(),
  /** Words for people: "Backup of web to backups:web-2026-12-05T10-00-00.qcow2". */
  description: z.string().optional(),
  /** What QEMU allows now. */
  can: z
    .object({ pause: z.boolean(), resume: z.boolean(), cancel: z.boolean(), dismiss: z.boolean() })
    .optional(),
});
export type Job = z.infer<typeof Job>;

export const JobList = z.array(Job);
