/**
 * Every `/api` request but the public ones (`GET /api/health`, signing in and out) must carry a credential: the
 * hook reads it (after the Host and Origin guards, before any route), and the route finds the caller in
 * `request.principal`. Without one: 401 `Unauthorized` with `WWW-Authenticate: Bearer realm="qmpdeck"`, also for
 * a WebSocket upgrade (answered as plain HTTP, the socket then closed). Routes outside `/api` (the web app, its
 * sign-in page) are public, except the Prometheus exposition (`GET /metrics`), which is protected like `/api`.
 *
 * Which route is public is read from the route the router matched (`config.public`), not from the raw URL, so no
 * spelling of a path (`/%61pi/vms`) reaches a protected route as public.
 */
import { BridgeErrorClass } from '@qmpdeck/protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { NOBODY, type Principal } from '../auth/principal.ts';
import { clearedCookieOptions, SESSION_COOKIE } from '../auth/session-cookie.ts';
import { BridgeError } from '../bridge-error.ts';
import type { HttpContext } from './context.ts';
import { clientAddress } from './http-actor.ts';
import { PROMETHEUS_PATH } from './metrics-routes.ts';
import { isUpgrade } from './request-guards.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who asks; null on public routes of a bridge with users. */
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** Answered without a credential. */
    public?: boolean;
  }
}

export function authenticateRequests(app: FastifyInstance, ctx: HttpContext): void {
  app.decorateRequest('principal', null);
  if (!ctx.auth.enabled) {
    // No users: everyone on loopback may do everything, and no request pays for a check.
    app.addHook('onRequest', (request, _reply, done) => {
      request.principal = NOBODY;
      done();
    });
    return;
  }
  app.addHook('onRequest', async (request, reply) => {
    if (!needsCredential(request)) return;
    const sessionId = sessionIdOf(app, request);
    try {
      request.principal = await ctx.auth.authenticate({
        authorization: request.headers.authorization,
        sessionId,
        proxyUser: proxyUserOf(request, ctx.proxyUserHeader),
        peer: request.raw.socket.remoteAddress,
        client: clientAddress(request),
      });
    } catch (err) {
      refused(ctx, request, reply, err, sessionId !== undefined);
      throw err;
    }
  });
}

export function sessionIdOf(app: FastifyInstance, request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (header === undefined) return undefined;
  const id = app.parseCookie(header)[SESSION_COOKIE];
  return id === undefined || id === '' ? undefined : id;
}

function needsCredential(request: FastifyRequest): boolean {
  const route = request.routeOptions.url;
  // No API route matched (the web app's catch-all, or the not-found handler): a path under /api still needs a
  // credential, so an unknown API path says 401, not whether it exists.
  if (route === undefined || route.includes('*')) return isApiPath(request.url);
  return (isApiPath(route) || route === PROMETHEUS_PATH) && request.routeOptions.config.public !== true;
}

function isApiPath(path: string): boolean {
  return path === '/api' || path.startsWith('/api/') || path.startsWith('/api?');
}

function proxyUserOf(request: FastifyRequest, header: string | null): string | undefined {
  if (header === null) return undefined;
  const value = request.headers[header];
  return typeof value === 'string' ? value.trim() : undefined;
}

function refused(
  ctx: HttpContext,
  request: FastifyRequest,
  reply: FastifyReply,
  err: unknown,
  hadCookie: boolean,
): void {
  // A cookie that did not work is dropped, so the browser stops sending it (and being counted for it).
  if (hadCookie && err instanceof BridgeError && err.class === BridgeErrorClass.Unauthorized) {
    reply.clearCookie(SESSION_COOKIE, clearedCookieOptions(ctx.tls !== null));
  }
  // A refused upgrade's socket carries only this answer: closed once it is written (nothing upgrades it).
  if (isUpgrade(request)) reply.raw.once('finish', () => request.raw.socket.destroy());
}
