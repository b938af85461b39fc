/**
 * `GET /api/audit?vm=&user=&before=&limit=`: the audit log, newest first, `limit` entries (default 100, at most
 * 1000) with ids below `before`. Reading it is the command `audit.read` (admins only by default), so it passes the
 * command pipeline's policy and is itself audited; a reader scoped to some VMs sees no entry about the others.
 */
import { AuditPage } from '@qmpdeck/protocol';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { HttpContext } from './context.ts';
import { httpActor, nextHttpCommandId, principalOf } from './http-actor.ts';
import { integerParam } from './route-schemas.ts';
import type { ZodTypeProvider } from './zod-type-provider.ts';

const AuditQuery = z
  .object({
    vm: z.string().min(1).max(128).optional(),
    user: z.string().min(1).max(128).optional(),
    before: integerParam('before', 1),
    limit: integerParam('limit', 1),
  })
  .describe('query');

export function auditRoutes(ctx: HttpContext): FastifyPluginAsync {
  return async (base) => {
    const app = base.withTypeProvider<ZodTypeProvider>();
    app.get(
      '/api/audit',
      { schema: { querystring: AuditQuery, response: { 200: AuditPage } } },
      (request) => {
        const { vm, user, before, limit } = request.query;
        return ctx.pipeline.run({
          vm: null,
          target: 'bridge',
          command: 'audit.read',
          arguments: {
            ...(vm === undefined ? {} : { vm }),
            ...(user === undefined ? {} : { user }),
            ...(before === undefined ? {} : { before }),
            ...(limit === undefined ? {} : { limit }),
          },
          actor: httpActor(request, 'audit'),
          principal: principalOf(request),
          clientCommandId: nextHttpCommandId(),
        }) as Promise<AuditPage>;
      },
    );
  };
}
