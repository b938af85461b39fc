/**
 * `GET /api/ws`: the one WebSocket of the API, through @fastify/websocket on `ws`. The request guards (Host,
 * Origin) ran as for any request, before the handshake; frames over the hard limit close the connection (1009)
 * before they are read. Everything after the handshake is the hub's (hub/).
 */
import fastifyWebsocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import { HARD_FRAME_LIMIT } from '../hub/limits.ts';
import type { HttpContext } from './context.ts';

export const WS_PATH = '/api/ws';

/**
 * Registered on the app itself, before any other hook: its own hooks must run for every request (an upgrade the
 * guards refuse is then closed once answered) and wrap every route.
 */
export async function registerWebSocket(app: FastifyInstance, ctx: HttpContext): Promise<void> {
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
}

export function wsRoutes(ctx: HttpContext) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get(WS_PATH, { websocket: true }, (socket, request) => {
      ctx.hub.accept(socket, request.raw);
    });
  };
}
