/**
 * The bridge's HTTP side on fastify: one app, the request guards as hooks, one error handler, a plugin per
 * resource. Every route that reaches a VM does so through the command pipeline (ctx.pipeline).
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { ApiPaths } from './api-paths.ts';
import type { HttpContext } from './context.ts';
import { answerErrors, answerFrameworkErrors } from './error-handler.ts';
import { eventRoutes } from './event-routes.ts';
import { executeRoutes } from './execute-routes.ts';
import { guestExecuteRoutes } from './guest-execute-routes.ts';
import { healthRoutes } from './health-routes.ts';
import { inflightRoutes } from './inflight-routes.ts';
import { MAX_BODY_BYTES, parseJsonBodies } from './json-body.ts';
import { answerNotFound } from './not-found.ts';
import { guardRequests } from './request-guards.ts';
import { schemaRoutes } from './schema-routes.ts';
import { registerStatic } from './static-routes.ts';
import { vmRoutes } from './vm-routes.ts';
import { registerWebSocket, wsRoutes } from './ws-routes.ts';
import { plainSerializerCompiler, zodValidatorCompiler } from './zod-type-provider.ts';

export async function createHttpApp(ctx: HttpContext): Promise<FastifyInstance> {
  const app = Fastify({
    // Typed as fastify's logger interface so every plugin sees one app type; it is the bridge's pino logger.
    loggerInstance: ctx.log.child({ component: 'http' }) as FastifyBaseLogger,
    // Requests are not logged one by one; commands are, by the pipeline's audit.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: MAX_BODY_BYTES,
    // An `:id` decoded with a malformed %-escape never reaches a route: answered as the API's own 400.
    frameworkErrors: answerFrameworkErrors,
    // A client that sends something that is not HTTP: dropped, as before (at debug).
    clientErrorHandler: (err, socket) => {
      ctx.log.debug({ err }, 'malformed HTTP request');
      socket.destroy();
    },
  });
  app.setValidatorCompiler(zodValidatorCompiler);
  app.setSerializerCompiler(plainSerializerCompiler);
  parseJsonBodies(app, 'strict');
  answerErrors(app, ctx.log);
  await registerWebSocket(app, ctx);
  guardRequests(app, ctx);
  app.addHook('onRequest', async (request, reply) => {
    if (request.url.startsWith('/api')) reply.header('cache-control', 'no-store');
  });
  const apiPaths = new ApiPaths();
  apiPaths.collectFrom(app);
  await app.register(wsRoutes(ctx));
  await app.register(healthRoutes(ctx));
  await app.register(vmRoutes(ctx));
  await app.register(executeRoutes(ctx));
  await app.register(guestExecuteRoutes(ctx));
  await app.register(eventRoutes(ctx));
  await app.register(inflightRoutes(ctx));
  await app.register(schemaRoutes(ctx));
  await registerStatic(app, ctx);
  answerNotFound(app, ctx, apiPaths);
  await app.ready();
  return app;
}
