/**
 * What no route answers: under `/api`, 405 `MethodNotAllowed` for a known path with another method (an upgrade of
 * `/api/ws` with another method than GET too), else 404 `NotFound`, both as JSON errors; any other GET, the web app
 * (its SPA fallback); any other method there, 405.
 */
import { BridgeErrorClass } from '@qmpdeck/protocol';
import type { FastifyInstance } from 'fastify';
import { BridgeError } from '../bridge-error.ts';
import type { ApiPaths } from './api-paths.ts';
import type { HttpContext } from './context.ts';
import { isUpgrade } from './request-guards.ts';
import { pathOf } from './request-path.ts';
import { serveAppFallback } from './static-routes.ts';

export function answerNotFound(app: FastifyInstance, ctx: HttpContext, apiPaths: ApiPaths): void {
  app.setNotFoundHandler(async (request, reply) => {
    // The request guards refuse upgrades anywhere but /api/ws, so one here is /api/ws with another method than
    // GET: a 405 like any API path's (the fuzzer found it answered with an empty 404), and the socket not kept.
    if (isUpgrade(request)) reply.header('connection', 'close');
    const path = pathOf(request.url);
    const { method } = request;
    if (path === '/api' || path.startsWith('/api/')) {
      if (apiPaths.has(path)) {
        throw new BridgeError(BridgeErrorClass.MethodNotAllowed, `${method} is not allowed on ${path}`, 405);
      }
      throw new BridgeError(BridgeErrorClass.NotFound, `no API route ${method} ${path}`, 404);
    }
    if (method !== 'GET' && method !== 'HEAD') {
      throw new BridgeError(BridgeErrorClass.MethodNotAllowed, 'only GET and HEAD are served here', 405);
    }
    await serveAppFallback(ctx, request, reply);
  });
}
