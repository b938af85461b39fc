/** `GET /api/vms/:id/inflight`: the commands the VM is running (sent and not answered yet). */
import { InflightList } from '@qmpdeck/protocol';
import type { FastifyPluginAsync } from 'fastify';
import type { HttpContext } from './context.ts';
import { visibleVm } from './visible-vm.ts';
import type { ZodTypeProvider } from './zod-type-provider.ts';

export function inflightRoutes(ctx: HttpContext): FastifyPluginAsync {
  return async (base) => {
    const app = base.withTypeProvider<ZodTypeProvider>();
    app.get('/api/vms/:id/inflight', { schema: { response: { 200: InflightList } } }, (request) =>
      visibleVm(ctx, request).inflight.list(),
    );
  };
}
