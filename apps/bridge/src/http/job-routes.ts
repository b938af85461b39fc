/**
 * Jobs, the task log: `GET /api/jobs?vm=&status=&limit=` (newest first, only those of VMs the caller may see, and
 * storage jobs), `GET /api/vms/:id/jobs`, and `POST /api/jobs/:id/cancel|pause|resume|dismiss`, each the command
 * `job.control` of the pipeline (409 `Conflict` when the job cannot: see its `can`).
 */
import { JobList, JobStatus } from '@qmpdeck/protocol';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { principalSees } from '../auth/principal.ts';
import { JOB_ACTIONS } from '../jobs/job-control.ts';
import { jobNotFound } from '../jobs/job-registry.ts';
import type { HttpContext } from './context.ts';
import { httpActor, nextHttpCommandId, principalOf } from './http-actor.ts';
import { integerParam } from './route-schemas.ts';
import { visibleVm } from './visible-vm.ts';
import type { ZodTypeProvider } from './zod-type-provider.ts';

const JobQuery = z
  .object({
    vm: z.string().min(1).max(128).optional(),
    status: JobStatus.optional(),
    limit: integerParam('limit', 1),
  })
  .describe('query');

export function jobRoutes(ctx: HttpContext): FastifyPluginAsync {
  return async (base) => {
    const app = base.withTypeProvider<ZodTypeProvider>();
    const { jobs } = ctx.management;

    app.get('/api/jobs', { schema: { querystring: JobQuery, response: { 200: JobList } } }, (request) => {
      const principal = principalOf(request);
      return jobs.list(request.query).filter((job) => job.vm === null || principalSees(principal, job.vm));
    });

    app.get(
      '/api/vms/:id/jobs',
      { schema: { querystring: JobQuery.omit({ vm: true }), response: { 200: JobList } } },
      (request) => jobs.list({ ...request.query, vm: visibleVm(ctx, request).id }),
    );

    for (const action of JOB_ACTIONS) {
      app.post(`/api/jobs/:job/${action}`, async (request) => {
        const principal = principalOf(request);
        const id = (request.params as { job: string }).job;
        const job = jobs.get(id);
        if (job.vm !== null && !principalSees(principal, job.vm)) throw jobNotFound(id);
        // A VM's job goes through that VM (its scope, its in-flight list); a storage job, or one whose VM is gone, is bridge-wide.
        const vm = job.vm !== null && ctx.registry.has(job.vm) ? job.vm : null;
        return ctx.pipeline.run({
          vm,
          target: 'bridge',
          command: 'job.control',
          arguments: { job: id, action },
          actor: httpActor(request, 'jobs'),
          principal,
          clientCommandId: nextHttpCommandId(),
        });
      });
    }
  };
}
