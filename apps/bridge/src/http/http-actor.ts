/** Who sent an HTTP command: client `http`, no user yet, the control named in the body, the peer address. */
import type { Actor } from '@qmpdeck/protocol';
import type { FastifyRequest } from 'fastify';

let nextCommand = 1;

export function httpActor(request: FastifyRequest, origin: string | undefined): Actor {
  return {
    client: 'http',
    user: null,
    origin: origin ?? 'http',
    remote: request.raw.socket.remoteAddress ?? null,
  };
}

/** HTTP clients give no command id: the bridge names each one `http-N` (in `cause.id` and the in-flight list). */
export function nextHttpCommandId(): string {
  return `http-${nextCommand++}`;
}
