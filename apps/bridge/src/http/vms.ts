/** `GET /api/vms`, `GET /api/vms/:id`, and start/kill of managed VMs (through the command pipeline). */
import type { RouteHandler } from './context.ts';
import { httpActor, nextHttpCommandId } from './http-actor.ts';
import { sendJson } from './respond.ts';

export const listVms: RouteHandler = ({ res, ctx }) => {
  sendJson(res, 200, ctx.registry.snapshots());
};

export const getVm: RouteHandler = ({ res, ctx, params }) => {
  sendJson(res, 200, ctx.registry.require(params.id ?? '').snapshot());
};

function lifecycle(action: 'vm.start' | 'vm.kill'): RouteHandler {
  return async ({ req, res, ctx, params }) => {
    const vm = await ctx.pipeline.run({
      vm: params.id ?? '',
      target: 'bridge',
      command: action,
      actor: httpActor(req, undefined),
      clientCommandId: nextHttpCommandId(),
    });
    sendJson(res, 200, vm);
  };
}

/** Launches a managed VM's QEMU; answers the VM object once it started (or failed to). */
export const startVm: RouteHandler = lifecycle('vm.start');

/** SIGKILLs a managed VM's QEMU; answers once the process is gone. */
export const killVm: RouteHandler = lifecycle('vm.kill');
