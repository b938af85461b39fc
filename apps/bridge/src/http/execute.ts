/** `POST /api/vms/:id/execute`: one QMP command, QEMU's answer or error passed through. */
import { ExecuteRequest } from '@qmpdeck/protocol';
import { ApiError } from '../api-error.ts';
import { readJsonBody } from './body.ts';
import type { RouteHandler } from './context.ts';
import { sendJson } from './respond.ts';

let nextHttpCommand = 1;

export const executeCommand: RouteHandler = async ({ req, res, ctx, params }) => {
  const vm = ctx.registry.require(params.id ?? '');
  const parsed = ExecuteRequest.safeParse(await readJsonBody(req));
  if (!parsed.success) {
    const detail = parsed.error.issues
      .map((issue) => `${issue.path.map(String).join('.') || '(body)'}: ${issue.message}`)
      .join('; ');
    throw new ApiError('BadRequest', `invalid execute request: ${detail}`, 400);
  }
  const body = parsed.data;
  const result = await vm.execute(body.execute, body.arguments, {
    actor: {
      client: 'http',
      user: null,
      origin: body.origin ?? 'http',
      remote: req.socket.remoteAddress ?? null,
    },
    id: `http-${nextHttpCommand++}`,
    timeoutMs: body.timeoutMs,
  });
  sendJson(res, 200, { return: result ?? {} });
};
