/**
 * `GET /api/vms/:id/schema`: the VM's `query-qmp-schema`, cached per QEMU version; a miss runs the command
 * through the command pipeline as the person asking. A hit does not reach the VM, but is still admitted by the
 * pipeline (scope and policy) first: a role that may not run `query-qmp-schema` does not get it from the cache.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { CommandRequest } from '../commands/command-request.ts';
import type { HttpContext } from './context.ts';
import { httpActor, nextHttpCommandId, principalOf } from './http-actor.ts';
import { visibleVm } from './visible-vm.ts';
import type { ZodTypeProvider } from './zod-type-provider.ts';

export function schemaRoutes(ctx: HttpContext): FastifyPluginAsync {
  return async (base) => {
    const app = base.withTypeProvider<ZodTypeProvider>();
    app.get('/api/vms/:id/schema', async (request) => {
      const vm = visibleVm(ctx, request);
      const command: CommandRequest = {
        vm: vm.id,
        target: 'qmp',
        command: 'query-qmp-schema',
        actor: httpActor(request, 'schema'),
        principal: principalOf(request),
        clientCommandId: nextHttpCommandId(),
      };
      await ctx.pipeline.admit(command);
      return ctx.registry.schema(vm, () => ctx.pipeline.run(command));
    });
  };
}
