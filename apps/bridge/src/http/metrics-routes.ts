/**
 * Usage and Prometheus:
 * - `GET /api/vms/:id/metrics?range=hour|day|week|month|year[&series=cpu,disk.*]`: the VM's usage history
 *   (`MetricsResponse`; range defaults to hour, anything else is 400 `BadRequest`);
 * - `GET /metrics`: the Prometheus exposition. With users it needs a credential like `/api` (a bearer token for
 *   a scrape) and the bridge action `metrics.read` (viewer and up), admitted by the pipeline (a refusal is audited;
 *   an allowed scrape is not, or a scrape every 15 s would fill the audit log), and holds only the VMs in the
 *   caller's scope. Without users it stays open, on loopback, as the rest.
 */
import { BridgeAction, MetricsRange, MetricsResponse } from '@qmpdeck/protocol';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { type Principal, principalSees } from '../auth/principal.ts';
import type { HttpContext } from './context.ts';
import { httpActor, nextHttpCommandId, principalOf } from './http-actor.ts';
import { visibleVm } from './visible-vm.ts';
import type { ZodTypeProvider } from './zod-type-provider.ts';

export const PROMETHEUS_PATH = '/metrics';

const MetricsQuery = z
  .object({
    range: MetricsRange.optional(),
    /** Comma-separated series names, `prefix*` for a family. */
    series: z.string().max(1000).optional(),
  })
  .describe('query');

export function metricsRoutes(ctx: HttpContext): FastifyPluginAsync {
  return async (base) => {
    const app = base.withTypeProvider<ZodTypeProvider>();
    app.get(
      '/api/vms/:id/metrics',
      { schema: { querystring: MetricsQuery, response: { 200: MetricsResponse } } },
      (request) => {
        const vm = visibleVm(ctx, request);
        const { range = 'hour', series } = request.query;
        const wanted = series?.split(',').filter((name) => name !== '');
        return ctx.metrics.history.read(vm.id, range, Math.floor(Date.now() / 1000), wanted);
      },
    );

    app.get(PROMETHEUS_PATH, async (request, reply) => {
      const principal = principalOf(request);
      await ctx.pipeline.admit({
        vm: null,
        target: 'bridge',
        command: BridgeAction.MetricsRead,
        actor: httpActor(request, 'Prometheus scrape'),
        principal,
        clientCommandId: nextHttpCommandId(),
      });
      const text = await ctx.metrics.exporter.scrape(scopeOf(principal));
      return reply.header('cache-control', 'no-store').type(ctx.metrics.exporter.contentType).send(text);
    });
  };
}

/** The VMs the caller may see; null for all. */
function scopeOf(principal: Principal): ((vm: string) => boolean) | null {
  return principal.vms === null ? null : (vm) => principalSees(principal, vm);
}
