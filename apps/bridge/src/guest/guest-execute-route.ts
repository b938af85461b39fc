/**
 * `POST /api/vms/:id/guest/execute`: one guest agent command. Same body and error shape as QMP's execute route;
 * 503 `GuestAgentUnavailable` when no agent answers in time.
 */
import { ExecuteRequest } from '@qmpdeck/protocol';
import { ApiError } from '../api-error.ts';
import { readJsonBody } from '../http/body.ts';
import type { RouteHandler } from '../http/context.ts';
import { sendJson } from '../http/respond.ts';

export const executeGuestCommand: RouteHandler = async ({ req, res, ctx, params }) => {
  const vm = ctx.registry.require(params.id ?? '');
  const parsed = ExecuteRequest.safeParse(await readJsonBody(req));
  if (!parsed.success) {
    const detail = parsed.error.issues
      .map((issue) => `${issue.path.map(String).join('.') || '(body)'}: ${issue.message}`)
      .join('; ');
    throw new ApiError('BadRequest', `invalid guest execute request: ${detail}`, 400);
  }
  const body = parsed.data;
  const result = await vm.executeGuest(body.execute, body.arguments, body.timeoutMs);
  sendJson(res, 200, { return: result ?? {} });
};
