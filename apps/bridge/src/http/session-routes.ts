/**
 * `/api/session`: signing in and out, and who the caller is.
 *
 *   POST   { name, password } -> 200 SessionInfo + the session cookie; 401 "wrong name or password" (an unknown
 *          name and a wrong password alike, in the same time); 429 when too many attempts failed
 *   GET    -> 200 SessionInfo of the caller (token, cookie or proxy); 401 without a credential
 *   DELETE -> 204, the session ended on the server and the cookie cleared (also when there was no session)
 *
 * Each sign-in, failed sign-in and sign-out is a row of the audit log. The sign-in body is never logged, and no
 * answer repeats the password. Besides the failure counter (auth/failure-limiter.ts), `@fastify/rate-limit` caps
 * sign-in attempts per client address (20 a minute), whatever their outcome, against bursts.
 */
import fastifyRateLimit from '@fastify/rate-limit';
import { type AuditKind, SessionInfo, SignInRequest } from '@qmpdeck/protocol';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Principal } from '../auth/principal.ts';
import { clearedCookieOptions, SESSION_COOKIE, sessionCookieOptions } from '../auth/session-cookie.ts';
import { sessionKey } from '../auth/session-store.ts';
import { sessionUserOf, type User } from '../auth/users.ts';
import { badRequest, toErrorBody, tooManyRequests } from '../bridge-error.ts';
import { sessionIdOf } from './authenticate-requests.ts';
import type { HttpContext } from './context.ts';
import { clientAddress, principalOf } from './http-actor.ts';
import type { ZodTypeProvider } from './zod-type-provider.ts';

/** Sign-in requests per client address and minute, whatever their outcome. */
export const SIGN_IN_REQUESTS_PER_MINUTE = 20;

export function sessionRoutes(ctx: HttpContext): FastifyPluginAsync {
  return async (base) => {
    const app = base.withTypeProvider<ZodTypeProvider>();
    await app.register(fastifyRateLimit, {
      global: false,
      errorResponseBuilder: (_request, context) =>
        tooManyRequests(Math.max(1, Math.ceil(context.ttl / 1000))),
    });
    const secure = ctx.tls !== null;

    app.get('/api/session', { schema: { response: { 200: SessionInfo } } }, (request) =>
      sessionInfo(ctx, principalOf(request)),
    );

    app.post(
      '/api/session',
      {
        config: {
          public: true,
          rateLimit: { max: SIGN_IN_REQUESTS_PER_MINUTE, timeWindow: 60_000 },
        },
        schema: { body: SignInRequest.describe('sign-in request'), response: { 200: SessionInfo } },
      },
      async (request, reply) => {
        if (!ctx.auth.enabled) {
          throw badRequest(
            'this bridge has no users, so there is nothing to sign in to; it serves loopback only',
          );
        }
        const { name, password } = request.body;
        const started = performance.now();
        let user: User;
        try {
          user = await ctx.auth.signIn(name, password, clientAddress(request));
        } catch (err) {
          const { body } = toErrorBody(err);
          audit(ctx, request, 'sign-in-failed', {
            user: name,
            outcome: body.class,
            error: body.desc,
            started,
          });
          throw err;
        }
        const session = ctx.sessions.create(user.name);
        reply.setCookie(
          SESSION_COOKIE,
          session.id,
          sessionCookieOptions(secure, ctx.sessions.limits.maxAgeMs),
        );
        audit(ctx, request, 'sign-in', { user: user.name, role: user.role, started });
        return sessionInfo(ctx, {
          user: sessionUserOf(user),
          vms: user.vms,
          via: 'session',
          sessionKey: session.key,
        });
      },
    );

    app.delete('/api/session', { config: { public: true } }, async (request, reply) => {
      const id = sessionIdOf(app, request);
      if (id !== undefined) {
        const key = sessionKey(id);
        const found = ctx.sessions.lookupKey(key);
        if (found.state !== 'unknown') {
          const user = ctx.auth.user(found.session.user);
          ctx.sessions.end(key);
          audit(ctx, request, 'sign-out', { user: found.session.user, role: user?.role ?? null });
        }
      }
      reply.clearCookie(SESSION_COOKIE, clearedCookieOptions(secure));
      await reply.code(204).send();
    });
  };
}

export function sessionInfo(ctx: HttpContext, principal: Principal): SessionInfo {
  return {
    auth: ctx.auth.enabled,
    user: principal.user,
    policy: ctx.roles.ruleFor(principal),
    vms: principal.vms === null ? null : [...principal.vms],
    via: principal.via,
  };
}

interface SessionAudit {
  user: string;
  role?: User['role'] | null;
  outcome?: string;
  error?: string;
  started?: number;
}

function audit(ctx: HttpContext, request: FastifyRequest, kind: AuditKind, entry: SessionAudit): void {
  ctx.audit.append({
    time: ctx.audit.now(),
    kind,
    user: entry.user,
    role: entry.role ?? null,
    remote: clientAddress(request),
    client: 'http',
    origin: null,
    vm: null,
    target: null,
    command: null,
    arguments: null,
    outcome: entry.outcome ?? 'ok',
    error: entry.error ?? null,
    durationMs:
      entry.started === undefined ? null : Math.round((performance.now() - entry.started) * 10) / 10,
  });
}
