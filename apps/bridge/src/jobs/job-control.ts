/**
 * The `job.control` action: cancel, pause, resume or dismiss a job. It passes the pipeline as every command does
 * (the job's VM resolved with the caller's scope, the policy, the audit log); what QEMU is then sent for it
 * (`job-cancel`, `job-pause`...) goes through the pipeline too, as a step of the job.
 */
import type { Job } from '@qmpdeck/protocol';
import { z } from 'zod';
import { badRequest } from '../bridge-error.ts';
import type { CommandRequest } from '../commands/command-request.ts';
import type { JobRegistry } from './job-registry.ts';

export const JobVerb = z.enum(['cancel', 'pause', 'resume', 'dismiss']);
export type JobVerb = z.infer<typeof JobVerb>;

const JobControlArguments = z.strictObject({ job: z.string().min(1), verb: JobVerb });

export function controlJob(jobs: JobRegistry, request: CommandRequest): Promise<Job> | Job {
  const parsed = JobControlArguments.safeParse(request.arguments ?? {});
  if (!parsed.success) throw badRequest(`invalid job.control: ${parsed.error.issues[0]?.message ?? ''}`);
  const { job, verb } = parsed.data;
  // The VM the pipeline resolved (and scoped) must be the job's own: a job id is not a way into another VM.
  if (jobs.get(job).vm !== request.vm) throw jobs.notFound(job);
  switch (verb) {
    case 'cancel':
      return jobs.cancel(job);
    case 'pause':
      return jobs.pause(job);
    case 'resume':
      return jobs.resume(job);
    case 'dismiss':
      return jobs.dismiss(job);
  }
}
