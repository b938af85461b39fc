/** `GET /api/vms`, `GET /api/vms/:id`, and start/kill of managed VMs. */
import type { RouteHandler } from './context.ts';
import { sendJson } from './respond.ts';

export const listVms: RouteHandler = ({ res, ctx }) => {
  sendJson(res, 200, ctx.registry.snapshots());
};

export const getVm: RouteHandler = ({ res, ctx, params }) => {
  sendJson(res, 200, ctx.registry.require(params.id ?? '').snapshot());
};

/** Launches a managed VM's QEMU; answers the VM object once it started (or failed to). */
export const startVm: RouteHandler = async ({ res, ctx, params }) => {
  const vm = ctx.registry.require(params.id ?? '');
  await vm.startProcess();
  sendJson(res, 200, vm.snapshot());
};

/** SIGKILLs a managed VM's QEMU; answers once the process is gone. */
export const killVm: RouteHandler = async ({ res, ctx, params }) => {
  const vm = ctx.registry.require(params.id ?? '');
  await vm.killProcess();
  sendJson(res, 200, vm.snapshot());
};
