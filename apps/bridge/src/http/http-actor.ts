/** Who sent an HTTP command: client `http`, the signed-in user, the control named in the body, the client address. */
import type { Actor } from '@qmpdeck/protocol';
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../auth/principal.ts';
import { unauthorized } from '../bridge-error.ts';
import { normalizeAddress } from '../security/address.ts';

let nextCommand = 1;

export function httpActor(request: FastifyRequest, origin: string | undefined): Actor {
  return {
    client: 'http',
    user: principalOf(request).user?.name ?? null,
    origin: origin ?? 'http',
    remote: clientAddress(request),
  };
}

/**
 * The caller as the authenticate hook found them. A route the hook treats as public has none: reading it there
 * is a 401, never an anonymous pass.
 */
export function principalOf(request: FastifyRequest): Principal {
  const { principal } = request;
  if (principal === null) throw unauthorized('sign in, or send "Authorization: Bearer <token>"');
  return principal;
}

/** `request.ip` (the peer, or the client behind a trusted proxy), IPv4-mapped IPv6 read as IPv4. */
export function clientAddress(request: FastifyRequest): string | null {
  const { ip } = request;
  return ip ? normalizeAddress(ip) : null;
}

/** HTTP clients give no command id: the bridge names each one `http-N` (in `cause.id` and the in-flight list). */
export function nextHttpCommandId(): string {
  return `http-${nextCommand++}`;
}
