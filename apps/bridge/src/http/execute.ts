/** `POST /api/vms/:id/execute`: one QMP command, QEMU's answer or error passed through. */
import type { RouteHandler } from './context.ts';
import { readExecuteRequest } from './execute-request.ts';
import { sendJson } from './respond.ts';

let nextHttpCommand = 1;

export const executeCommand: RouteHandler = async ({ req, res, ctx, params }) => {
  const vm = ctx.registry.require(params.id ?? '');
  const body = await readExecuteRequest(req, 'execute request');
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
