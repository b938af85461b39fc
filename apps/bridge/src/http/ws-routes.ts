/**
 * `GET /api/ws`: the one WebSocket of the API, through @fastify/websocket on `ws`. The request guards (Host,
 * Origin) and the credential check ran as for any request, before the handshake (a refused upgrade gets its 401 or
 * 403 as a plain HTTP answer); frames over the hard limit close the connection (1009) before they are read.
 * Everything after the handshake is the hub's (hub/), for the principal the credential named.
 * The consoles' binary WebSockets (`/api/vms/:id/vnc`, `/api/vms/:id/serial/:name`) live in the same context, behind
 * the same checks: @fastify/websocket must be registered once, since each registration answers every upgrade.
 */
import fastifyWebsocket from '@fastify/websocket';
import { BridgeErrorClass } from '@qmpdeck/protocol';
import type { FastifyInstance } from 'fastify';
import { BridgeError } from '../bridge-error.ts';
import { CONSOLE_WS_PATHS, consoleWebSocketRoutes } from '../consoles/console-routes.ts';
import { HARD_FRAME_LIMIT } from '../hub/limits.ts';
import type { HttpContext } from './context.ts';
import { clientAddress, principalOf } from './http-actor.ts';

export const WS_PATH = '/api/ws';

/** Paths where a WebSocket upgrade is answered; the request guards refuse it anywhere else. */
export function isWebSocketPath(pathname: string): boolean {
  return pathname === WS_PATH || CONSOLE_WS_PATHS.some((path) => path.test(pathname));
}

/**
 * @fastify/websocket and the one route it serves, in a context of their own: its hooks (two per request) and its
 * wrapping of route handlers then cost only the WebSocket's requests, not every API call. Upgrades elsewhere are
 * refused by the request guards before any route runs.
 */
export function wsRoutes(ctx: HttpContext) {
  return async (app: FastifyInstance): Promise<void> => {
    await app.register(fastifyWebsocket, {
      options: { maxPayload: HARD_FRAME_LIMIT, perMessageDeflate: false },
      // A peer that vanished or broke the protocol: dropped, at debug (the hub logs who left).
      errorHandler: (err, socket) => {
        ctx.log.debug({ err }, 'WebSocket error');
        socket.terminate();
      },
      // The hub says goodbye to its clients itself (1001) when the bridge stops.
      preClose: (done) => done(),
    });
    app.route({
      method: 'GET',
      url: WS_PATH,
      // A plain GET (no upgrade) had @fastify/websocket's empty 404; the HTTP fuzzer found it: the API's error body.
      handler: async () => {
        throw new BridgeError(
          BridgeErrorClass.BadRequest,
          `${WS_PATH} is a WebSocket: send the upgrade (Connection: Upgrade, Upgrade: websocket)`,
          426,
          { upgrade: 'websocket' },
        );
      },
      wsHandler: (socket, request) => {
        ctx.hub.accept(socket, principalOf(request), clientAddress(request));
      },
    });
    await app.register(consoleWebSocketRoutes(ctx));
  };
}
