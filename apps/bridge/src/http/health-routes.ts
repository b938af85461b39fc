/**
 * `GET /api/health`: is the bridge up, which version, how many VMs in which state. Public (monitoring needs no
 * credential), so it names no VM: counts only, the same for everyone.
 */
import { Health } from '@qmpdeck/protocol';
import type { FastifyPluginAsync } from 'fastify';
import { BRIDGE_VERSION } from '../version.ts';
import type { HttpContext } from './context.ts';
import type { ZodTypeProvider } from './zod-type-provider.ts';

export function healthRoutes(ctx: HttpContext): FastifyPluginAsync {
  return async (base) => {
    const app = base.withTypeProvider<ZodTypeProvider>();
    app.get('/api/health', { config: { public: true }, schema: { response: { 200: Health } } }, () => {
      const byConnection: Record<string, number> = {};
      const byStatus: Record<string, number> = {};
      const vms = ctx.registry.all();
      for (const vm of vms) {
        byConnection[vm.connection] = (byConnection[vm.connection] ?? 0) + 1;
        const status = vm.status ?? 'unknown';
        byStatus[status] = (byStatus[status] ?? 0) + 1;
      }
      return {
        status: 'ok' as const,
        version: BRIDGE_VERSION,
        uptime: (Date.now() - ctx.startedAt) / 1000,
        vms: { total: vms.length, connected: byConnection.connected ?? 0, byConnection, byStatus },
      };
    });
  };
}
