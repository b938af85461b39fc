/**
 * Checks every request passes before anything else runs (a fastify `onRequest` hook, so also WebSocket upgrades,
 * refused with 403 before the handshake): its Host must be a name of this bridge (DNS rebinding; with users only
 * when `allowedHosts` is set, see `HttpContext.checkHost`), and a request that changes something (a POST, a
 * DELETE, an upgrade) must not come from another site's page (Origin), whatever credential it carries. API
 * answers are never cached. A callback hook, not an async one: it runs on every request, and a promise per
 * request shows in the round trip.
 */
import { BridgeErrorClass } from '@qmpdeck/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { BridgeError } from '../bridge-error.ts';
import type { Logger } from '../log.ts';
import { isHostAllowed } from '../security/host.ts';
import { isOriginAllowed } from '../security/origin.ts';
import { pathOf } from './request-path.ts';
import { isWebSocketPath, WS_PATH } from './ws-routes.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface GuardOptions {
  allowedOrigins: readonly string[];
  allowedHosts: readonly string[];
  checkHost: boolean;
  log: Logger;
}

export function guardRequests(app: FastifyInstance, options: GuardOptions): void {
  app.addHook('onRequest', (request, reply, done) => {
    // An upgrade answered with plain HTTP (refused here or by the credential check, or no route for its method)
    // is on a socket node's server no longer tracks: closed once the answer is written, or it stays open for good
    // and holds up the bridge's stop (the fuzzer found this). An upgrade that succeeds writes no such answer.
    if (isUpgrade(request)) reply.raw.once('finish', () => request.raw.socket.destroy());
    const refusal = refusalOf(request, options);
    if (refusal) {
      done(refusal);
      return;
    }
    if (request.url.startsWith('/api')) reply.header('cache-control', 'no-store');
    done();
  });
}

function refusalOf(request: FastifyRequest, options: GuardOptions): BridgeError | null {
  const upgrade = isUpgrade(request);
  if (upgrade && !isWebSocketPath(pathOf(request.url))) {
    return new BridgeError(
      BridgeErrorClass.NotFound,
      `no WebSocket at ${request.url}; it is ${WS_PATH}`,
      404,
    );
  }
  if (options.checkHost && !isHostAllowed(request.raw, options.allowedHosts)) {
    if (upgrade) refusedUpgrade(options.log, request);
    return new BridgeError(
      BridgeErrorClass.Forbidden,
      `Host "${request.headers.host}" is not a name of this bridge; behind a proxy, add it to "allowedHosts"`,
      403,
    );
  }
  // A page on another site can send a POST without reading the answer (no CORS needed): refuse it by Origin.
  if (
    (upgrade || !SAFE_METHODS.has(request.method)) &&
    !isOriginAllowed(request.raw, options.allowedOrigins)
  ) {
    if (upgrade) refusedUpgrade(options.log, request);
    return new BridgeError(
      BridgeErrorClass.Forbidden,
      `requests from the page ${request.headers.origin} are not allowed`,
      403,
    );
  }
  return null;
}

export function isUpgrade(request: FastifyRequest): boolean {
  return request.headers.upgrade?.toLowerCase() === 'websocket';
}

function refusedUpgrade(log: Logger, request: FastifyRequest): void {
  log.warn(
    { origin: request.headers.origin, host: request.headers.host },
    'WebSocket from a foreign origin or host refused',
  );
}
