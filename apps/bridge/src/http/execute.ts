/** `POST /api/vms/:id/execute`: one QMP command, QEMU's answer or error passed through. */
import type { RouteHandler } from './context.ts';
import { readExecuteRequest } from './execute-request.ts';
import { httpActor, nextHttpCommandId } from './http-actor.ts';
import { sendJson } from './respond.ts';

export const executeCommand: RouteHandler = async ({ req, res, ctx, params }) => {
  ctx.registry.require(params.id ?? '');
  const body = await readExecuteRequest(req, 'execute request');
  const result = await ctx.pipeline.run({
    vm: params.id ?? '',
    target: 'qmp',
    command: body.execute,
    arguments: body.arguments,
    actor: httpActor(req, body.origin),
    clientCommandId: nextHttpCommandId(),
    timeoutMs: body.timeoutMs,
  });
  sendJson(res, 200, { return: result ?? {} });
};
