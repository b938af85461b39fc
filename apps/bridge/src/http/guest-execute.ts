/**
 * `POST /api/vms/:id/guest/execute`: one guest agent command. Same body and error shape as QMP's execute route;
 * 503 `GuestAgentUnavailable` when no agent answers in time.
 */
import type { RouteHandler } from './context.ts';
import { readExecuteRequest } from './execute-request.ts';
import { httpActor, nextHttpCommandId } from './http-actor.ts';
import { sendJson } from './respond.ts';

export const executeGuestCommand: RouteHandler = async ({ req, res, ctx, params }) => {
  ctx.registry.require(params.id ?? '');
  const body = await readExecuteRequest(req, 'guest execute request');
  const result = await ctx.pipeline.run({
    vm: params.id ?? '',
    target: 'guest',
    command: body.execute,
    arguments: body.arguments,
    actor: httpActor(req, body.origin),
    clientCommandId: nextHttpCommandId(),
    timeoutMs: body.timeoutMs,
  });
  sendJson(res, 200, { return: result ?? {} });
};
