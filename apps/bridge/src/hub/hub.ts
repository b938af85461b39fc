/**
 * The WebSocket side after the handshake (http/ws-routes.ts does the handshake): every client, and the fan-out of
 * VM changes, events and in-flight lists to them. Each message is serialized once, whatever the number of clients.
 *
 * Events go to subscribers of their VM: one `event` message each, or, for a subscription with `batch`, gathered
 * per VM into one `events` message per turn of the event loop (a burst of QEMU events read together is one frame).
 * Pending batches are flushed before any other message goes out, so a client sees events in the order the bridge
 * recorded them relative to everything else (a command's events before its result, as without batching).
 */
import type { IncomingMessage } from 'node:http';
import type { EventRecord, InflightCommand, ServerMessage, UsageSample, Vm } from '@qmpdeck/protocol';
import type { WebSocket } from 'ws';
import type { CommandPipeline } from '../commands/command-pipeline.ts';
import type { EventStore } from '../events/event-store.ts';
import type { Logger } from '../log.ts';
import type { VmRegistry } from '../vms/vm-registry.ts';
import { EventBatches } from './event-batches.ts';
import { eventMessage } from './event-message.ts';
import { HubClient } from './hub-client.ts';
import { DEFAULT_MAX_BUFFERED } from './limits.ts';

export interface HubOptions {
  registry: VmRegistry;
  pipeline: CommandPipeline;
  store: EventStore;
  log: Logger;
  maxBufferedBytes?: number | undefined;
  /** How often clients are pinged; one without a pong by the next ping is dropped. */
  heartbeatMs?: number | undefined;
}

const HEARTBEAT_MS = 30_000;

export class Hub {
  readonly #clients = new Set<HubClient>();
  /** Clients that answered the last ping; a peer that vanished without closing (cable, sleep) is cut at the next. */
  readonly #alive = new WeakSet<HubClient>();
  readonly #heartbeat: NodeJS.Timeout;
  readonly #batches: EventBatches;
  #nextClient = 1;

  constructor(readonly options: HubOptions) {
    this.#heartbeat = setInterval(() => this.#checkAlive(), options.heartbeatMs ?? HEARTBEAT_MS);
    this.#heartbeat.unref();
    this.#batches = new EventBatches(() => this.#clients);
  }

  /** Clients connected and not being dropped. */
  get clientCount(): number {
    let open = 0;
    for (const client of this.#clients) if (!client.closed) open++;
    return open;
  }

  /** A client whose handshake passed (the route's Host and Origin checks ran before it). */
  accept(ws: WebSocket, req: IncomingMessage): void {
    const client = new HubClient(`c${this.#nextClient++}`, ws, req.socket.remoteAddress ?? null, {
      registry: this.options.registry,
      pipeline: this.options.pipeline,
      store: this.options.store,
      log: this.options.log,
      maxBufferedBytes: this.options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED,
      flushEvents: () => this.#batches.flush(),
    });
    this.#clients.add(client);
    this.#alive.add(client);
    this.options.log.debug({ client: client.id, remote: client.remote }, 'WebSocket client connected');
    ws.on('pong', () => this.#alive.add(client));
    ws.on('close', (code) => {
      this.#clients.delete(client);
      this.options.log.debug({ client: client.id, code }, 'WebSocket client left');
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
    this.#batches.add(record);
    let text: string | undefined;
    for (const client of this.#clients) {
      if (client.subscription(record.vm)?.batch !== false) continue;
      text ??= JSON.stringify(eventMessage(record));
      client.sendText(text);
    }
  }

  publishInflight(vm: string, commands: InflightCommand[]): void {
    this.#broadcast({ type: 'inflight', vm, commands }, vm);
  }

  /** A VM's latest usage sample, to its subscribers. */
  publishUsage(vm: string, sample: UsageSample): void {
    this.#broadcast({ type: 'usage', vm, sample }, vm);
  }

  /** Tells every client the bridge is going away (1001), waits briefly for the closing handshakes, then cuts the rest. */
  async close(graceMs = 1000): Promise<void> {
    clearInterval(this.#heartbeat);
    this.#batches.flush();
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
    this.#batches.flush();
    let text: string | undefined;
    for (const client of this.#clients) {
      if (subscribersOf !== null && client.subscription(subscribersOf) === undefined) continue;
      text ??= JSON.stringify(message);
      client.sendText(text);
    }
  }
}
