/** Request and response bodies of the HTTP routes (see docs/api.md). */
import { z } from 'zod';
import { ErrorBody } from './errors.ts';

const QmpArguments = z.record(z.string(), z.unknown());

/** `POST /api/vms/:id/execute` and `POST /api/vms/:id/guest/execute`. */
export const ExecuteRequest = z.strictObject({
  execute: z.string().min(1).max(256),
  arguments: QmpArguments.optional(),
  /** Overrides the bridge's timeout for this command's class. */
  timeoutMs: z.number().int().positive().max(3_600_000).optional(),
  /** What the person used ("Pause button"); shown as the cause of events. */
  origin: z.string().max(128).optional(),
});
export type ExecuteRequest = z.infer<typeof ExecuteRequest>;

export const ExecuteSuccess = z.object({ return: z.unknown() });
export const ErrorResponse = z.object({ error: ErrorBody });
export type ErrorResponse = z.infer<typeof ErrorResponse>;

export const Health = z.object({
  status: z.literal('ok'),
  version: z.string(),
  uptime: z.number(),
  vms: z.object({
    total: z.number().int(),
    connected: z.number().int(),
    byConnection: z.record(z.string(), z.number().int()).optional(),
    byStatus: z.record(z.string(), z.number().int()).optional(),
  }),
});
export type Health = z.infer<typeof Health>;
