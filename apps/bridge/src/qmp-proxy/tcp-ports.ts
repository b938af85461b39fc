/**
 * Loopback ports for the QMP proxy's TCP endpoints: each one the OS picks (`tcp: true`), or the next free one from
 * a configured base, in the order VMs are registered (config order first, so the same config gets the same ports
 * while nothing else takes them).
 */
import { once } from 'node:events';
import type net from 'node:net';

export const PROXY_TCP_HOST = '127.0.0.1';
/** How far past a taken port to look before giving up. */
const MAX_TRIES = 1000;

export class TcpPorts {
  #next: number | null;

  constructor(basePort: number | null) {
    this.#next = basePort;
  }

  /** Starts `server` listening on loopback; resolves with its port. */
  async listen(server: net.Server): Promise<number> {
    if (this.#next === null) return listenOn(server, 0);
    for (let tries = 0; tries < MAX_TRIES && this.#next <= 65535; tries++) {
      const port = this.#next++;
      try {
        return await listenOn(server, port);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
      }
    }
    throw new Error(`no free loopback port from ${this.#next - MAX_TRIES} on`);
  }
}

async function listenOn(server: net.Server, port: number): Promise<number> {
  server.listen({ host: PROXY_TCP_HOST, port, exclusive: true });
  try {
    await once(server, 'listening');
  } catch (err) {
    server.close();
    throw err;
  }
  return (server.address() as net.AddressInfo).port;
}
