/**
 * The audit log: who did what to which VM, and how it ended. Every command from any path (allowed or refused),
 * sign-in, failed sign-in and sign-out. Secrets in arguments are redacted before they are stored.
 */
import { z } from 'zod';
import { Role } from './auth.ts';

export const AuditKind = z.enum(['command', 'sign-in', 'sign-in-failed', 'sign-out']);
export type AuditKind = z.infer<typeof AuditKind>;

export const AuditEntry = z.object({
  /** Grows with time; page back with `before=<id>`. */
  id: z.number().int().positive(),
  /** Milliseconds since the epoch. */
  time: z.number(),
  kind: AuditKind,
  user: z.string().nullable(),
  role: Role.nullable(),
  remote: z.string().nullable(),
  /** The bridge's client id (`c12`, `http`, `qmp-proxy-3`...). */
  client: z.string().nullable(),
  /** The control a person used ("Pause button", "console"). */
  origin: z.string().nullable(),
  vm: z.string().nullable(),
  target: z.enum(['qmp', 'guest', 'bridge']).nullable(),
  command: z.string().nullable(),
  /** As sent, with secrets (passwords, secret data) replaced by "<redacted>". */
  arguments: z.record(z.string(), z.unknown()).nullable(),
  /** `ok`, or the error class (`Forbidden`, `CommandNotFound`, `Timeout`, `Unauthorized`...). */
  outcome: z.string(),
  /** The error's desc when not ok. */
  error: z.string().nullable(),
  durationMs: z.number().nullable(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

/** `GET /api/audit?vm=&user=&before=&limit=`: newest first. */
export const AuditPage = z.object({ entries: z.array(AuditEntry) });
export type AuditPage = z.infer<typeof AuditPage>;
