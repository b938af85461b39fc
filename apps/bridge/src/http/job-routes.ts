/**
 * The task log: `GET /api/jobs?vm=&status=&limit=` (every job the caller may see: those of VMs in their scope and
 * the storage jobs), `GET /api/vms/:id/jobs`, and `POST /api/jobs/:id/cancel|pause|resume|dismiss`, the action
 * `job.control` through the command pipeline (authorized, audited; a job of a VM out of scope is not found).
 */
import { Job, JobList, JobStatus } from '@qmpdeck/protocol';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { principalSees } from '../auth/principal.ts';
import { JobVerb } from '../jobs/job-control.ts';
import { MAX_JOB_PAGE } from '../jobs/job-store.ts';
import type { HttpContext } from './context.ts';
import { httpActor, nextHttpCommandId, principalOf } from './http-actor.ts';
import { parseJsonBodies } from './json-body.ts';
import { integerParam, originOf } from './route-schemas.ts';
import { visibleVm } from './visible-vm.ts';
import type { ZodTypeProvider } from './zod-type-provider.ts';

const JobQuery = z
  .object({
    vm: z.string().min(1).max(128).optional(),
    status: JobStatus.optional(),
    limit: integerParam('limit', 1),
  })
  .describe('query');

const VmJobQuery = JobQuery.omit({ vm: true }).describe('query');

export function jobRoutes(ctx: HttpContext): FastifyPluginAsync {
  return async (base) => {
    const app = base.withTypeProvider<ZodTypeProvider>();
    parseJsonBodies(app, 'lenient');

    app.get('/api/jobs', { schema: { querystring: JobQuery, response: { 200: JobList } } }, (request) => {
      const principal = principalOf(request);
      const { vm, status, limit } = request.query;
      if (vm !== undefined && !principalSees(principal, vm)) return [];
      if (principal.vms === null || vm !== undefined) return ctx.jobs.list({ vm, status, limit });
      // Scoped: filter the newest page of all, then cut to the limit asked.
      return ctx.jobs
        .list({ status, limit: MAX_JOB_PAGE })
        .filter((job) => job.vm === null || principalSees(principal, job.vm))
        .slice(0, limit ?? 100);
    });

    app.get(
      '/api/vms/:id/jobs',
      { schema: { querystring: VmJobQuery, response: { 200: JobList } } },
      (request) => {
        const vm = visibleVm(ctx, request);
        const { status, limit } = request.query;
        return ctx.jobs.list({ vm: vm.id, status, limit });
      },
    );

    app.post(
      '/api/jobs/:job/:verb',
      { schema: { params: z.object({ job: z.string(), verb: JobVerb }), response: { 200: Job } } },
      async (request) => {
        const { job: id, verb } = request.params;
        const principal = principalOf(request);
        const job = ctx.jobs.get(id);
        if (job.vm !== null && !principalSees(principal, job.vm)) throw ctx.jobs.notFound(id);
        return (await ctx.pipeline.run({
          vm: job.vm,
          target: 'bridge',
          command: 'job.control',
          arguments: { job: id, verb },
          actor: httpActor(request, originOf(request.body) ?? `job ${verb}`),
          principal,
          clientCommandId: nextHttpCommandId(),
        })) as Job;
      },
    );
  };
}
