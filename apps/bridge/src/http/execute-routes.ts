/** `POST /api/vms/:id/execute`: one QMP command through the command pipeline, QEMU's answer or error passed through. */
import { ExecuteRequest, ExecuteSuccess } from '@qmpdeck/protocol';
import type { FastifyPluginAsync } from 'fastify';
import type { CommandTarget } from '../commands/command-request.ts';
import type { HttpContext } from './context.ts';
import { httpActor, nextHttpCommandId } from './http-actor.ts';
import { invalidJson } from './json-body.ts';
import { VmParams } from './route-schemas.ts';
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
      {
        schema: { params: VmParams, body: ExecuteRequest.describe(what), response: { 200: ExecuteSuccess } },
        // No body at all is no JSON, as an empty one is (and not a shape error of a body that is not there).
        preValidation: async (request) => {
          if (request.body === undefined) throw invalidJson('request body is empty; expected a JSON object');
        },
      },
      async (request) => {
        const { body } = request;
        const result = await ctx.pipeline.run({
          vm: request.params.id,
          target,
          command: body.execute,
          arguments: body.arguments,
          actor: httpActor(request, body.origin),
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
