/**
 * `job.control`: cancel, pause, resume or dismiss a job, as a command of the pipeline (on the job's VM, or
 * bridge-wide for a storage job), so it is authorized and audited like any other.
 */
import type { Job } from '@qmpdeck/protocol';
import { badRequest } from '../bridge-error.ts';
import type { CommandRequest } from '../commands/command-request.ts';
import type { JobRegistry } from './job-registry.ts';

export const JOB_ACTIONS = ['cancel', 'pause', 'resume', 'dismiss'] as const;
export type JobAction = (typeof JOB_ACTIONS)[number];

export async function controlJob(jobs: JobRegistry, request: CommandRequest): Promise<Job> {
  const { job, action } = (request.arguments ?? {}) as { job?: unknown; action?: unknown };
  if (typeof job !== 'string') throw badRequest('job: expected a job id');
  // On a VM, the job must be that VM's own (resolved and scoped by the pipeline): a job id is no way into another.
  if (request.vm !== null && jobs.get(job).vm !== request.vm) throw jobs.notFound(job);
  switch (action) {
    case 'cancel':
      return jobs.cancel(job);
    case 'pause':
      return jobs.pause(job);
    case 'resume':
      return jobs.resume(job);
    case 'dismiss':
      return jobs.dismiss(job);
    default:
      throw badRequest(`action: expected one of ${JOB_ACTIONS.join(', ')}`);
  }
}
