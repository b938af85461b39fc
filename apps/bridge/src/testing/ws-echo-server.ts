/**
 * A bare `ws` server that echoes every frame: the baseline a bench compares the
 * bridge's WebSocket with. Prints `listening on PORT` and runs until killed.
 *   node --import tsx src/testing/ws-echo-server.ts
 */
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';

const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
server.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
});
server.on('listening', () => {
  process.stdout.write(`listening on ${(server.address() as AddressInfo).port}\n`);
});
