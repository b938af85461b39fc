/** Who sent an HTTP command: client `http`, no user yet, the control named in the body, the peer address. */
import type { IncomingMessage } from 'node:http';
import type { Actor } from '@qmpdeck/protocol';

let nextCommand = 1;

export function httpActor(req: IncomingMessage, origin: string | undefined): Actor {
  return { client: 'http', user: null, origin: origin ?? 'http', remote: req.socket.remoteAddress ?? null };
}

/** HTTP clients give no command id: the bridge names each one `http-N`. */
export function nextHttpCommandId(): string {
  return `http-${nextCommand++}`;
}
