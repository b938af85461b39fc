/**
 * The WebSocket side: accepts upgrades on `/api/ws` (same HTTP server, origin
 * checked), and fans VM changes, events and in-flight lists out to clients.
 * Each message is serialized once, whatever the number of clients.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { EventRecord, InflightCommand, ServerMessage, Vm } from '@qmpdeck/protocol';
import { WebSocketServer } from 'ws';
import type { CommandPipeline } from '../commands/command-pipeline.ts';
import type { EventStore } from '../events/event-store.ts';
import type { Logger } from '../log.ts';
import { isHostAllowed } from '../security/host.ts';
import { isOriginAllowed } from '../security/origin.ts';
import type { VmRegistry } from '../vms/vm-registry.ts';
import { HubClient } from './hub-client.ts';
import { DEFAULT_MAX_BUFFERED, HARD_FRAME_LIMIT } from './limits.ts';

export interface HubOptions {
  registry: VmRegistry;
  pipeline: CommandPipeline;
  store: EventStore;
  log: Logger;
  allowedOrigins?: readonly string[] | undefined;
  allowedHosts?: readonly string[] | undefined;
  maxBufferedBytes?: number | undefined;
  /** How often clients are pinged; one without a pong by the next ping is dropped. */
  heartbeatMs?: number | undefined;
}

export const WS_PATH = '/api/ws';
const HEARTBEAT_MS = 30_000;

export class Hub {
  readonly #wss = new WebSocketServer({
    noServer: true,
    maxPayload: HARD_FRAME_LIMIT,
    perMessageDeflate: false,
  });
  readonly #clients = new Set<HubClient>();
  /** Clients that answered the last ping; a peer that vanished without closing (cable, sleep) is cut at the next. */
  readonly #alive = new WeakSet<HubClient>();
  readonly #heartbeat: NodeJS.Timeout;
  #nextClient = 1;

  constructor(readonly options: HubOptions) {
    this.#heartbeat = setInterval(() => this.#checkAlive(), options.heartbeatMs ?? HEARTBEAT_MS);
    this.#heartbeat.unref();
  }

  /** Clients connected and not being dropped. */
  get clientCount(): number {
    let open = 0;
    for (const client of this.#clients) if (!client.closed) open++;
    return open;
  }

  /** The http server's 'upgrade' handler. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path !== WS_PATH) {
      refuse(socket, 404, 'Not Found');
      return;
    }
    if (
      !isHostAllowed(req, this.options.allowedHosts) ||
      !isOriginAllowed(req, this.options.allowedOrigins)
    ) {
      this.options.log.warn(
        { origin: req.headers.origin, host: req.headers.host },
        'WebSocket from a foreign origin or host refused',
      );
      refuse(socket, 403, 'Forbidden');
      return;
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      const client = new HubClient(`c${this.#nextClient++}`, ws, req.socket.remoteAddress ?? null, {
        registry: this.options.registry,
        pipeline: this.options.pipeline,
        store: this.options.store,
        log: this.options.log,
        maxBufferedBytes: this.options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED,
      });
      this.#clients.add(client);
      this.#alive.add(client);
      this.options.log.debug({ client: client.id, remote: client.remote }, 'WebSocket client connected');
      ws.on('pong', () => this.#alive.add(client));
      ws.on('close', (code) => {
        this.#clients.delete(client);
        this.options.log.debug({ client: client.id, code }, 'WebSocket client left');
      });
    });
  }

  /** `vm` goes to every client: the dashboard lists all VMs. */
  publishVm(vm: Vm): void {
    this.#broadcast({ type: 'vm', vm }, null);
  }

  publishVmRemoved(id: string): void {
    this.#broadcast({ type: 'vm-removed', vm: id }, null);
  }

  publishEvent(record: EventRecord): void {
    this.#broadcast({ type: 'event', ...record }, record.vm);
  }

  publishInflight(vm: string, commands: InflightCommand[]): void {
    this.#broadcast({ type: 'inflight', vm, commands }, vm);
  }

  /** Tells every client the bridge is going away (1001), waits briefly for the closing handshakes, then cuts the rest. */
  async close(graceMs = 1000): Promise<void> {
    clearInterval(this.#heartbeat);
    const clients = [...this.#clients];
    const closed = clients.map(
      (client) =>
        new Promise<void>((resolve) =>
          client.ws.readyState === client.ws.CLOSED ? resolve() : client.ws.once('close', () => resolve()),
        ),
    );
    for (const client of clients) client.close(1001, 'bridge shutting down');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(closed),
      new Promise((resolve) => (timer = setTimeout(resolve, graceMs))),
    ]);
    clearTimeout(timer);
    for (const client of this.#clients) client.ws.terminate();
    this.#clients.clear();
    this.#wss.close();
  }

  #checkAlive(): void {
    for (const client of this.#clients) {
      if (!this.#alive.has(client)) {
        this.options.log.info({ client: client.id }, 'WebSocket client stopped answering pings; dropped');
        client.ws.terminate();
        continue;
      }
      this.#alive.delete(client);
      client.ws.ping();
    }
  }

  #broadcast(message: ServerMessage, subscribersOf: string | null): void {
    let text: string | undefined;
    for (const client of this.#clients) {
      if (subscribersOf !== null && !client.subscriptions.has(subscribersOf)) continue;
      text ??= JSON.stringify(message);
      client.sendText(text);
    }
  }
}

function refuse(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
