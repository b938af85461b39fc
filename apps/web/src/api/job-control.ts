/**
 * A job's controls (`POST /api/jobs/:id/cancel|pause|resume|dismiss`, the bridge's `job.control`): answered
 * once the bridge has asked; the job's own `job` messages then say how it ended. 409 `Conflict` when the job
 * cannot do that now (see its `can`).
 */
import { z } from 'zod';
import { sendJson } from './http.ts';

export type JobControlAction = 'cancel' | 'pause' | 'resume' | 'dismiss';

export const controlJob = (id: string, action: JobControlAction) =>
  sendJson('POST', `/api/jobs/${encodeURIComponent(id)}/${action}`, z.unknown(), {});
