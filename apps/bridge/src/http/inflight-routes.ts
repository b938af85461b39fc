/** `GET /api/vms/:id/inflight`: commands sent to QEMU and not answered yet. */
import type { RouteHandler } from './context.ts';
import { sendJson } from './respond.ts';

export const listInflight: RouteHandler = ({ res, ctx, params }) => {
  sendJson(res, 200, ctx.registry.require(params.id ?? '').inflight.list());
};
