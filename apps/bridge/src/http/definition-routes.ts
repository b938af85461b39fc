/**
 * VMs the bridge owns by definition: `POST /api/vms` (201, the VM), `GET` and `PUT /api/vms/:id/definition`,
 * `POST /api/vms/:id/clone` (202 `{ job, vm }`), `DELETE /api/vms/:id?disks=keep|delete`. Every change is a
 * command of the pipeline (`vm.create`, `vm.define`, `vm.clone`, `vm.delete`); reading a definition is a read,
 * for anyone who may see the VM.
 */
import { CloneResponse, Vm, VmDefinition } from '@qmpdeck/protocol';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { BridgeAction } from '../commands/command-request.ts';
import type { HttpContext } from './context.ts';
import { httpActor, nextHttpCommandId, principalOf } from './http-actor.ts';
import { vmIdOf } from './route-schemas.ts';
import { visibleVm } from './visible-vm.ts';
import type { ZodTypeProvider } from './zod-type-provider.ts';

const DeleteQuery = z.object({ disks: z.string().optional() }).describe('query');

export function definitionRoutes(ctx: HttpContext): FastifyPluginAsync {
  return async (base) => {
    const app = base.withTypeProvider<ZodTypeProvider>();
    const { defined } = ctx.management;

    const command = (
      request: FastifyRequest,
      name: BridgeAction | 'vm.create',
      args: unknown,
      vm: string | null,
    ) =>
      ctx.pipeline.run({
        vm,
        target: 'bridge',
        command: name,
        arguments: (typeof args === 'object' && args !== null ? args : {}) as Record<string, unknown>,
        actor: httpActor(request, 'http'),
        principal: principalOf(request),
        clientCommandId: nextHttpCommandId(),
      });

    app.post('/api/vms', { schema: { response: { 201: Vm } } }, async (request, reply) => {
      const vm = await command(request, 'vm.create', request.body, null);
      reply.code(201);
      return vm as Vm;
    });

    app.get('/api/vms/:id/definition', { schema: { response: { 200: VmDefinition } } }, (request) =>
      defined.require(visibleVm(ctx, request)),
    );

    app.put('/api/vms/:id/definition', { schema: { response: { 200: VmDefinition } } }, async (request) => {
      return (await command(request, 'vm.define', request.body, vmIdOf(request))) as VmDefinition;
    });

    app.post(
      '/api/vms/:id/clone',
      { schema: { response: { 202: CloneResponse } } },
      async (request, reply) => {
        const answer = await command(request, 'vm.clone', request.body, vmIdOf(request));
        reply.code(202);
        return answer as CloneResponse;
      },
    );

    app.delete('/api/vms/:id', { schema: { querystring: DeleteQuery } }, (request) =>
      command(request, 'vm.delete', { disks: request.query.disks ?? 'keep' }, vmIdOf(request)),
    );
  };
}
