/**
 * `POST /api/vms/:id/guest/execute`: one guest agent command. Same body and error shape as QMP's execute route;
 * 503 `GuestAgentUnavailable` when no agent answers in time.
 */
import type { RouteHandler } from './context.ts';
import { readExecuteRequest } from './execute-request.ts';
import { sendJson } from './respond.ts';

export const executeGuestCommand: RouteHandler = async ({ req, res, ctx, params }) => {
  const vm = ctx.registry.require(params.id ?? '');
  const body = await readExecuteRequest(req, 'guest execute request');
  const result = await vm.executeGuest(body.execute, body.arguments, body.timeoutMs);
  sendJson(res, 200, { return: result ?? {} });
};
