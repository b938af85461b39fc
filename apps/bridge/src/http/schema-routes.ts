/**
 * `GET /api/vms/:id/schema`: the VM's `query-qmp-schema`, cached per QEMU version; a miss runs the command
 * through the command pipeline as the person asking.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { HttpContext } from './context.ts';
import { httpActor, nextHttpCommandId } from './http-actor.ts';
import { vmIdOf } from './route-schemas.ts';
import type { ZodTypeProvider } from './zod-type-provider.ts';

export function schemaRoutes(ctx: HttpContext): FastifyPluginAsync {
  return async (base) => {
    const app = base.withTypeProvider<ZodTypeProvider>();
    app.get('/api/vms/:id/schema', (request) => {
      const vm = ctx.registry.require(vmIdOf(request));
      return ctx.registry.schema(vm, () =>
        ctx.pipeline.run({
          vm: vm.id,
          target: 'qmp',
          command: 'query-qmp-schema',
          actor: httpActor(request, 'schema'),
          clientCommandId: nextHttpCommandId(),
        }),
      );
    });
  };
}
