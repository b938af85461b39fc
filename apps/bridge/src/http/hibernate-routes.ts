/**
 * `POST /api/vms/:id/hibernate`: the action `vm.hibernate` (managed VMs): 202 with its job. Start (restore) is the
 * ordinary `POST /api/vms/:id/start`, which restores a hibernated VM.
 */
import { Job } from '@qmpdeck/protocol';
import type { FastifyPluginAsync } from 'fastify';
import type { HttpContext } from './context.ts';
import { httpActor, nextHttpCommandId, principalOf } from './http-actor.ts';
import { parseJsonBodies } from './json-body.ts';
import { originOf, vmIdOf } from './route-schemas.ts';
import type { ZodTypeProvider } from './zod-type-provider.ts';

export function hibernateRoutes(ctx: HttpContext): FastifyPluginAsync {
  return async (base) => {
    const app = base.withTypeProvider<ZodTypeProvider>();
    parseJsonBodies(app, 'lenient');
    app.post('/api/vms/:id/hibernate', { schema: { response: { 202: Job } } }, async (request, reply) => {
      const job = (await ctx.pipeline.run({
        vm: vmIdOf(request),
        target: 'bridge',
        command: 'vm.hibernate',
        actor: httpActor(request, originOf(request.body) ?? 'Hibernate'),
        principal: principalOf(request),
        clientCommandId: nextHttpCommandId(),
      })) as Job;
      return reply.code(202).send(job);
    });
  };
}
