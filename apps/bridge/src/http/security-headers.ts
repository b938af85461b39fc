/**
 * Security headers on every answer, set by `helmet`: a Content-Security-Policy that allows no inline
 * script and no framing (the web app is built with none: index.html loads its scripts from /assets), nosniff, no
 * Referer to other sites, and HSTS only when the bridge itself serves TLS (over plain HTTP it would mean
 * nothing, and behind a TLS proxy the proxy sets it). Helmet's other defaults (COOP, CORP, X-Frame-Options...)
 * stay.
 *
 * Helmet's middleware is made once, here, and run on every request. `@fastify/helmet` made it again on every
 * request (to allow options per route, which the bridge does not use): 18 µs of a request's ~120 µs in the bridge.
 */
import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

export const CONTENT_SECURITY_POLICY = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  // Inline style attributes (React's style={...}, the charts' positioning); no inline script.
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'connect-src': ["'self'"],
  'font-src': ["'self'"],
  'object-src': ["'none'"],
  'frame-ancestors': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
};

/**
 * The headers that matter on an answer written before (or without) the hooks: the router's refusal of a malformed
 * URL, a request node's parser could not read. Helmet's set for everything else.
 */
export const FALLBACK_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': Object.entries(CONTENT_SECURITY_POLICY)
    .map(([directive, values]) => `${directive} ${values.join(' ')}`)
    .join('; '),
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

/** Helmet's options for the bridge: HSTS only when it serves TLS itself. */
export function helmetOptions(tls: boolean): HelmetOptions {
  return {
    // Exactly these directives: helmet's defaults add `upgrade-insecure-requests`, which would break a bridge
    // reached over plain HTTP on a LAN address.
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    referrerPolicy: { policy: 'no-referrer' },
    frameguard: { action: 'deny' },
    strictTransportSecurity: tls ? { maxAge: 31_536_000, includeSubDomains: false } : false,
  };
}

export async function securityHeaders(app: FastifyInstance, tls: boolean): Promise<void> {
  const setHeaders = helmet(helmetOptions(tls));
  app.addHook('onRequest', (request, reply, done) =>
    setHeaders(request.raw, reply.raw, (err) =>
      err === undefined ? done() : done(err instanceof Error ? err : new Error(String(err))),
    ),
  );
}
