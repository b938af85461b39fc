/**
 * The bridge's HTTP side on fastify: one app, the request guards as hooks, one error handler, a plugin per
 * resource. Every route that reaches a VM does so through the command pipeline (ctx.pipeline).
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { consoleHttpRoutes } from '../consoles/console-routes.ts';
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
import { wsRoutes } from './ws-routes.ts';
import { plainSerializerCompiler, zodValidatorCompiler } from './zod-type-provider.ts';

export async function createHttpApp(ctx: HttpContext): Promise<FastifyInstance> {
  const app = Fastify({
    // No logger of fastify's own (no child logger per request): requests are not logged one by one, commands are
    // (the pipeline's audit), and failures by the error handler, the WebSocket error handler and the hub.
    logger: false,
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
  guardRequests(app, ctx);
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
  await app.register(consoleHttpRoutes(ctx));
  await registerStatic(app, ctx);
  answerNotFound(app, ctx, apiPaths);
  await app.ready();
  return app;
}
