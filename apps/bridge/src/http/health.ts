/** `GET /api/health`: is the bridge up, which version, how many VMs in which state. */
import type { Health } from '@qmpdeck/protocol';
import { BRIDGE_VERSION } from '../version.ts';
import type { RouteHandler } from './context.ts';
import { sendJson } from './respond.ts';

export const getHealth: RouteHandler = ({ res, ctx }) => {
  const byConnection: Record<string, number> = {};
  const byStatus: Record<string, number> = {};
  const vms = ctx.registry.all();
  for (const vm of vms) {
    byConnection[vm.connection] = (byConnection[vm.connection] ?? 0) + 1;
    const status = vm.status ?? 'unknown';
    byStatus[status] = (byStatus[status] ?? 0) + 1;
  }
  const health: Health = {
    status: 'ok',
    version: BRIDGE_VERSION,
    uptime: (Date.now() - ctx.startedAt) / 1000,
    vms: { total: vms.length, connected: byConnection.connected ?? 0, byConnection, byStatus },
  };
  sendJson(res, 200, health);
};
