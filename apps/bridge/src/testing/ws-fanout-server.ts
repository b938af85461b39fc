/**
 * The least a serial fan-out can be: one connection to a chardev-like unix socket, every chunk sent to every
 * WebSocket client as is (no screen, no log, no limits). The baseline `pnpm bench` compares the bridge's serial
 * consoles with. Prints `listening on PORT` once it holds the socket; runs until killed.
 *   node --import tsx src/testing/ws-fanout-server.ts /path/to/chardev.sock
 */
import { once } from 'node:events';
import { type AddressInfo, createConnection } from 'node:net';
import { WebSocketServer } from 'ws';

const socketPath = process.argv[2];
if (socketPath === undefined) throw new Error('usage: ws-fanout-server.ts SOCKET');
const chardev = createConnection(socketPath);
const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
chardev.on('data', (chunk: Buffer) => {
  for (const client of server.clients) client.send(chunk, { binary: true });
});
chardev.on('close', () => process.exit(0));
await Promise.all([once(chardev, 'connect'), once(server, 'listening')]);
process.stdout.write(`listening on ${(server.address() as AddressInfo).port}\n`);
