/**
 * Memory dumps: `POST /api/vms/:id/dump` (the action `vm.dump`: 202 with its job), `GET /api/vms/:id/dumps`,
 * `GET /api/vms/:id/dumps/:name` (the file, as a download) and `DELETE /api/vms/:id/dumps/:name`. A dump holds
 * the guest's whole memory (its keys and passwords too): reading or deleting one needs the right to make one
 * (`vm.dump`), checked by the pipeline; a refused download is audited.
 */
import { createReadStream, statSync } from 'node:fs';
import { Job, MemoryDumpList } from '@qmpdeck/protocol';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { existingDump, listDumps } from '../dumps/dump-files.ts';
import type { HttpContext } from './context.ts';
import { httpActor, nextHttpCommandId, principalOf } from './http-actor.ts';
import { parseJsonBodies } from './json-body.ts';
import { originOf, vmIdOf } from './route-schemas.ts';
import { visibleVm } from './visible-vm.ts';
import type { ZodTypeProvider } from './zod-type-provider.ts';

export function dumpRoutes(ctx: HttpContext): FastifyPluginAsync {
  return async (base) => {
    const app = base.withTypeProvider<ZodTypeProvider>();
    parseJsonBodies(app, 'lenient');
    const dumpCommand = (request: FastifyRequest, args: Record<string, unknown>, origin: string) => ({
      vm: vmIdOf(request),
      target: 'bridge' as const,
      command: 'vm.dump',
      arguments: args,
      actor: httpActor(request, originOf(request.body) ?? origin),
      principal: principalOf(request),
      clientCommandId: nextHttpCommandId(),
    });
    const nameOf = (request: FastifyRequest) => (request.params as { name: string }).name;

    app.post('/api/vms/:id/dump', { schema: { response: { 202: Job } } }, async (request, reply) => {
      const job = (await ctx.pipeline.run(dumpCommand(request, {}, 'http'))) as Job;
      return reply.code(202).send(job);
    });

    app.get('/api/vms/:id/dumps', { schema: { response: { 200: MemoryDumpList } } }, (request) =>
      listDumps(ctx.vmJobs.options.storage, visibleVm(ctx, request).id),
    );

    app.get('/api/vms/:id/dumps/:name', async (request, reply) => {
      await ctx.pipeline.admit(dumpCommand(request, {}, 'dump download'));
      const name = nameOf(request);
      const path = existingDump(ctx.vmJobs.options.storage, vmIdOf(request), name);
      return reply
        .header('content-type', 'application/octet-stream')
        .header('content-disposition', `attachment; filename="${name}"`)
        .header('content-length', statSync(path).size)
        .send(createReadStream(path));
    });

    app.delete('/api/vms/:id/dumps/:name', (request) =>
      ctx.pipeline.run(dumpCommand(request, { remove: nameOf(request) }, 'http')),
    );
  };
}
