/**
 * Usage and Prometheus:
 * - `GET /api/vms/:id/metrics?range=hour|day|week|month|year[&series=cpu,disk.*]`: the VM's usage history
 *   (`MetricsResponse`; range defaults to hour, anything else is 400 `BadRequest`);
 * - `GET /metrics`: the Prometheus exposition, for callers the command policy allows `metrics.read`, holding only
 *   the VMs in their scope.
 */
import { BridgeAction, BridgeErrorClass, MetricsRange, MetricsResponse } from '@qmpdeck/protocol';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { BridgeError } from '../bridge-error.ts';
import type { CommandRequest } from '../commands/command-request.ts';
import type { HttpContext } from './context.ts';
import { httpActor } from './http-actor.ts';
import { vmIdOf } from './route-schemas.ts';
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
        const vm = ctx.registry.require(vmIdOf(request));
        const { range = 'hour', series } = request.query;
        const wanted = series?.split(',').filter((name) => name !== '');
        return ctx.metrics.history.read(vm.id, range, Math.floor(Date.now() / 1000), wanted);
      },
    );

    app.get(PROMETHEUS_PATH, async (request, reply) => {
      await authorizeScrape(ctx, request);
      const text = await ctx.metrics.exporter.scrape(scopeOf(request));
      return reply.header('cache-control', 'no-store').type(ctx.metrics.exporter.contentType).send(text);
    });
  };
}

/**
 * `metrics.read` through the command policy, as the caller. A bridge-wide action names no VM; until the pipeline
 * takes such actions (issue 12: `vm: null`, `pipeline.admit`), the request carries an empty VM id.
 */
async function authorizeScrape(ctx: HttpContext, request: FastifyRequest): Promise<void> {
  const scrape: CommandRequest = {
    vm: '',
    target: 'bridge',
    command: BridgeAction.MetricsRead,
    actor: httpActor(request, 'Prometheus scrape'),
  };
  const decision = await ctx.pipeline.policy.decide(scrape);
  if (!decision.allowed) throw new BridgeError(BridgeErrorClass.Forbidden, decision.desc, 403);
}

/** The VMs the caller may see; null for all (a bridge without users: issue 12 brings the caller's scope). */
function scopeOf(_request: FastifyRequest): ((vm: string) => boolean) | null {
  return null;
}
