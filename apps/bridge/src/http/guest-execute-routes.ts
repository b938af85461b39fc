/**
 * `POST /api/vms/:id/guest/execute`: one guest agent command through the command pipeline. Same body and error
 * shape as QMP's execute route; 503 `GuestAgentUnavailable` when no agent answers in time.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { HttpContext } from './context.ts';
import { executeRoute } from './execute-routes.ts';

export function guestExecuteRoutes(ctx: HttpContext): FastifyPluginAsync {
  return executeRoute(ctx, '/api/vms/:id/guest/execute', 'guest', 'guest execute request');
}
