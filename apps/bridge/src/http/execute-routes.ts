/** `POST /api/vms/:id/execute`: one QMP command through the command pipeline, QEMU's answer or error passed through. */
import { ExecuteRequest, ExecuteSuccess } from '@qmpdeck/protocol';
import type { FastifyPluginAsync } from 'fastify';
import type { CommandTarget } from '../commands/command-request.ts';
import type { HttpContext } from './context.ts';
import { httpActor, nextHttpCommandId, principalOf } from './http-actor.ts';
import { vmIdOf } from './route-schemas.ts';
import type { ZodTypeProvider } from './zod-type-provider.ts';

/** The route of one target: QMP here, the guest agent in guest-execute-routes.ts; same body, same errors. */
export function executeRoute(
  ctx: HttpContext,
  path: string,
  target: CommandTarget,
  what: string,
): FastifyPluginAsync {
  return async (base) => {
    const app = base.withTypeProvider<ZodTypeProvider>();
    app.post(
      path,
      { schema: { body: ExecuteRequest.describe(what), response: { 200: ExecuteSuccess } } },
      async (request) => {
        const { body } = request;
        const result = await ctx.pipeline.run({
          vm: vmIdOf(request),
          target,
          command: body.execute,
          arguments: body.arguments,
          actor: httpActor(request, body.origin),
          principal: principalOf(request),
          clientCommandId: nextHttpCommandId(),
          timeoutMs: body.timeoutMs,
        });
        return { return: result ?? {} };
      },
    );
  };
}

export function executeRoutes(ctx: HttpContext): FastifyPluginAsync {
  return executeRoute(ctx, '/api/vms/:id/execute', 'qmp', 'execute request');
}
