/**
 * The bridge's HTTP side on fastify: one app (HTTPS when configured), the security headers, the request guards
 * and the credential check as hooks, one error handler, a plugin per resource. Every route that reaches a VM does
 * so through the command pipeline (ctx.pipeline).
 *
 * Hooks run in the order they are registered: security headers (on every answer, refusals included), Host and
 * Origin guards, then the credential.
 */
import fastifyCookie from '@fastify/cookie';
import Fastify, { type FastifyInstance } from 'fastify';
import { consoleHttpRoutes } from '../consoles/console-routes.ts';
import { ApiPaths } from './api-paths.ts';
import { auditRoutes } from './audit-routes.ts';
import { authenticateRequests } from './authenticate-requests.ts';
import { backupRoutes } from './backup-routes.ts';
import type { HttpContext } from './context.ts';
import { definitionRoutes } from './definition-routes.ts';
import { dumpRoutes } from './dump-routes.ts';
import { answerErrors, answerFrameworkErrors } from './error-handler.ts';
import { eventRoutes } from './event-routes.ts';
import { executeRoutes } from './execute-routes.ts';
import { guestExecuteRoutes } from './guest-execute-routes.ts';
import { hardwareRoutes } from './hardware-routes.ts';
import { healthRoutes } from './health-routes.ts';
import { hibernateRoutes } from './hibernate-routes.ts';
import { inflightRoutes } from './inflight-routes.ts';
import { jobRoutes } from './job-routes.ts';
import { MAX_BODY_BYTES, parseJsonBodies } from './json-body.ts';
import { answerMalformedRequests } from './malformed-request.ts';
import { metricsRoutes } from './metrics-routes.ts';
import { answerNotFound } from './not-found.ts';
import { guardRequests } from './request-guards.ts';
import { schemaRoutes } from './schema-routes.ts';
import { securityHeaders } from './security-headers.ts';
import { sessionRoutes } from './session-routes.ts';
import { snapshotRoutes } from './snapshot-routes.ts';
import { registerStatic } from './static-routes.ts';
import { storageRoutes } from './storage-routes.ts';
import { vmRoutes } from './vm-routes.ts';
import { wsRoutes } from './ws-routes.ts';
import { plainSerializerCompiler, zodValidatorCompiler } from './zod-type-provider.ts';

export async function createHttpApp(ctx: HttpContext): Promise<FastifyInstance> {
  // One options object whatever the transport; fastify's types split HTTP and HTTPS apps, the routes do not care.
  const app = Fastify({
    ...(ctx.tls === null ? {} : { https: ctx.tls }),
    // Behind a reverse proxy: whose X-Forwarded-For makes `request.ip` (audit, failure counts).
    trustProxy: ctx.trustProxy,
    // No logger of fastify's own (no child logger per request): requests are not logged one by one, commands are
    // (the pipeline's audit), and failures by the error handler, the WebSocket error handler and the hub.
    logger: false,
    bodyLimit: MAX_BODY_BYTES,
    // An `:id` decoded with a malformed %-escape never reaches a route: answered as the API's own 400.
    frameworkErrors: answerFrameworkErrors,
    // A request node cannot parse: a 400 with the one error body, then closed (at debug).
    clientErrorHandler: answerMalformedRequests(ctx.log),
  }) as unknown as FastifyInstance;
  app.setValidatorCompiler(zodValidatorCompiler);
  app.setSerializerCompiler(plainSerializerCompiler);
  parseJsonBodies(app, 'strict');
  answerErrors(app, ctx.log);
  await securityHeaders(app, ctx.tls !== null);
  guardRequests(app, ctx);
  // Cookies are parsed only where a credential is read (the authenticate hook, sign-out), not on every request.
  await app.register(fastifyCookie, { hook: false });
  authenticateRequests(app, ctx);
  const apiPaths = new ApiPaths();
  apiPaths.collectFrom(app);
  await app.register(wsRoutes(ctx));
  await app.register(sessionRoutes(ctx));
  await app.register(auditRoutes(ctx));
  await app.register(healthRoutes(ctx));
  await app.register(vmRoutes(ctx));
  await app.register(definitionRoutes(ctx));
  await app.register(storageRoutes(ctx));
  await app.register(jobRoutes(ctx));
  await app.register(executeRoutes(ctx));
  await app.register(guestExecuteRoutes(ctx));
  await app.register(eventRoutes(ctx));
  await app.register(inflightRoutes(ctx));
  await app.register(schemaRoutes(ctx));
  await app.register(snapshotRoutes(ctx));
  await app.register(dumpRoutes(ctx));
  await app.register(backupRoutes(ctx));
  await app.register(hibernateRoutes(ctx));
  await app.register(metricsRoutes(ctx));
  await app.register(hardwareRoutes(ctx));
  await app.register(consoleHttpRoutes(ctx));
  await registerStatic(app, ctx);
  answerNotFound(app, ctx, apiPaths);
  await app.ready();
  return app;
}
