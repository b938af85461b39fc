/** `GET /api/vms/:id/schema`: the VM's `query-qmp-schema`, cached per QEMU version. */
import type { RouteHandler } from './context.ts';
import { sendJson } from './respond.ts';

export const getSchema: RouteHandler = async ({ res, ctx, params }) => {
  const vm = ctx.registry.require(params.id ?? '');
  sendJson(res, 200, await ctx.registry.schema(vm));
};
