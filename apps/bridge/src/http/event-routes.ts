/**
 * `GET /api/vms/:id/events?after=SEQ&limit=N`: a page of stored events, oldest first.
 * With `before=SEQ`: the newest `limit` events below it (and above `after`), still oldest first.
 */
import { EventPage } from '@qmpdeck/protocol';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { MAX_PAGE } from '../events/event-store.ts';
import type { HttpContext } from './context.ts';
import { integerParam } from './route-schemas.ts';
import { visibleVm } from './visible-vm.ts';
import type { ZodTypeProvider } from './zod-type-provider.ts';

const EventsQuery = z
  .object({
    after: integerParam('after', 0),
    before: integerParam('before', 1),
    limit: integerParam('limit', 1),
  })
  .describe('query');

export function eventRoutes(ctx: HttpContext): FastifyPluginAsync {
  return async (base) => {
    const app = base.withTypeProvider<ZodTypeProvider>();
    app.get(
      '/api/vms/:id/events',
      { schema: { querystring: EventsQuery, response: { 200: EventPage } } },
      (request) => {
        const vm = visibleVm(ctx, request);
        const { after = 0, before, limit = 100 } = request.query;
        const size = Math.min(limit, MAX_PAGE);
        return before === undefined
          ? ctx.store.page(vm.id, after, size)
          : ctx.store.pageBefore(vm.id, before, after, size);
      },
    );
  };
}
