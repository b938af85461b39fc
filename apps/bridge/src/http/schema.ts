/** `GET /api/vms/:id/schema`: the VM's `query-qmp-schema`, cached per QEMU version. */
import type { RouteHandler } from './context.ts';
import { httpActor, nextHttpCommandId } from './http-actor.ts';
import { sendJson } from './respond.ts';

export const getSchema: RouteHandler = async ({ req, res, ctx, params }) => {
  const vm = ctx.registry.require(params.id ?? '');
  const schema = await ctx.registry.schema(vm, () =>
    ctx.pipeline.run({
      vm: vm.id,
      target: 'qmp',
      command: 'query-qmp-schema',
      actor: httpActor(req, 'schema'),
      clientCommandId: nextHttpCommandId(),
    }),
  );
  sendJson(res, 200, schema);
};
