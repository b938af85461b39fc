/**
 * A VM's internal snapshots: `GET /api/vms/:id/snapshots` (from `query-block`, run through the pipeline as the
 * caller), `POST /api/vms/:id/snapshots` `{ name, description? }`, `POST .../snapshots/:name/revert` and
 * `DELETE .../snapshots/:name`: the actions `snapshot.create|revert|delete`, each answering 202 with its job.
 */
import { Job, SnapshotList } from '@qmpdeck/protocol';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { BridgeAction } from '../commands/command-request.ts';
import { snapshotList } from '../snapshots/snapshot-list.ts';
import { type BlockInfo, vmDisks } from '../snapshots/vm-disks.ts';
import type { HttpContext } from './context.ts';
import { httpActor, nextHttpCommandId, principalOf } from './http-actor.ts';
import { parseJsonBodies } from './json-body.ts';
import { originOf, vmIdOf } from './route-schemas.ts';
import type { ZodTypeProvider } from './zod-type-provider.ts';

export function snapshotRoutes(ctx: HttpContext): FastifyPluginAsync {
  return async (base) => {
    const app = base.withTypeProvider<ZodTypeProvider>();
    parseJsonBodies(app, 'lenient');

    app.get('/api/vms/:id/snapshots', { schema: { response: { 200: SnapshotList } } }, async (request) => {
      const vm = vmIdOf(request);
      const blocks = (await ctx.pipeline.run({
        vm,
        target: 'qmp',
        command: 'query-block',
        actor: httpActor(request, 'snapshots'),
        principal: principalOf(request),
        clientCommandId: nextHttpCommandId(),
      })) as BlockInfo[];
      return snapshotList(vm, vmDisks(blocks), ctx.vmJobs.notes);
    });

    const action = async (
      request: FastifyRequest,
      reply: FastifyReply,
      command: BridgeAction,
      args: Record<string, unknown>,
    ) => {
      const job = await ctx.pipeline.run({
        vm: vmIdOf(request),
        target: 'bridge',
        command,
        arguments: args,
        actor: httpActor(request, originOf(request.body)),
        principal: principalOf(request),
        clientCommandId: nextHttpCommandId(),
      });
      return reply.code(202).send(job);
    };
    const nameOf = (request: FastifyRequest) => (request.params as { name: string }).name;
    const withoutOrigin = (body: unknown): Record<string, unknown> => {
      const { origin: _, ...rest } = (typeof body === 'object' && body !== null ? body : {}) as Record<
        string,
        unknown
      >;
      return rest;
    };

    app.post('/api/vms/:id/snapshots', { schema: { response: { 202: Job } } }, (request, reply) =>
      action(request, reply, 'snapshot.create', withoutOrigin(request.body)),
    );
    app.post(
      '/api/vms/:id/snapshots/:name/revert',
      { schema: { response: { 202: Job } } },
      (request, reply) => action(request, reply, 'snapshot.revert', { name: nameOf(request) }),
    );
    app.delete('/api/vms/:id/snapshots/:name', { schema: { response: { 202: Job } } }, (request, reply) =>
      action(request, reply, 'snapshot.delete', { name: nameOf(request) }),
    );
  };
}
