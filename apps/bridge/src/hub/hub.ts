/**
 * The WebSocket side after the handshake (http/ws-routes.ts does the handshake): every client, and the fan-out of
 * VM changes, events and in-flight lists to them. Each message is serialized once, whatever the number of clients.
 *
 * Events go to subscribers of their VM: one `event` message each, or, for a subscription with `batch`, gathered
 * per VM into one `events` message per turn of the event loop (a burst of QEMU events read together is one frame).
 * Pending batches are flushed before any other message goes out, so a client sees events in the order the bridge
 * recorded them relative to everything else (a command's events before its result, as without batching).
 */
import type { EventRecord, InflightCommand, Job, ServerMessage, UsageSample, Vm } from '@qmpdeck/protocol';
import type { WebSocket } from 'ws';
import type { Principal } from '../auth/principal.ts';
import type { SessionStore } from '../auth/session-store.ts';
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
  /** How often clients are pinged; one that left two pings in a row unanswered is dropped at the next. */
  heartbeatMs?: number | undefined;
  /** Sign-in sessions: a client of a session keeps it alive, and is closed (4401) once it ends. */
  sessions?: SessionStore | undefined;
  /** How often clients' sessions are looked at (kept alive, checked for expiry). */
  sessionCheckMs?: number | undefined;
}

const HEARTBEAT_MS = 15_000;
/**
 * A client is dropped once this many pings in a row went unanswered (30–45 s with the default beat). One miss is
 * not enough: a tick that fires late (the bridge's own event loop was busy) runs before the waiting pongs are read.
 */
const UNANSWERED_PINGS_TO_DROP = 2;
/** A session's use is written at most once a minute anyway; its expiry is noticed within this. */
const SESSION_CHECK_MS = 30_000;
/** The close code and reason of a WebSocket whose session ended (signed out, idle, too old). */
export const SESSION_ENDED = { code: 4401, reason: 'session ended' } as const;

export class Hub {
  readonly #clients = new Set<HubClient>();
  /** Pings each client has not answered, in a row: a peer that vanished without closing (cable, sleep) stops. */
  readonly #unanswered = new WeakMap<HubClient, number>();
  readonly #heartbeat: NodeJS.Timeout;
  readonly #sessionCheck: NodeJS.Timeout | null;
  readonly #batches: EventBatches;
  #nextClient = 1;

  constructor(readonly options: HubOptions) {
    this.#heartbeat = setInterval(() => this.#checkAlive(), options.heartbeatMs ?? HEARTBEAT_MS);
    this.#heartbeat.unref();
    this.#batches = new EventBatches(() => this.#clients);
    const { sessions } = options;
    this.#sessionCheck = null;
    if (sessions) {
      sessions.onEnded((key) => this.#endSession(key));
      this.#sessionCheck = setInterval(
        () => this.checkSessions(),
        options.sessionCheckMs ?? SESSION_CHECK_MS,
      );
      this.#sessionCheck.unref();
    }
  }

  /** Clients connected and not being dropped. */
  get clientCount(): number {
    let open = 0;
    for (const client of this.#clients) if (!client.closed) open++;
    return open;
  }

  /** A client whose handshake passed (Host, Origin and its credential were checked before it), as `principal`. */
  accept(ws: WebSocket, principal: Principal, remote: string | null): void {
    const client = new HubClient(`c${this.#nextClient++}`, ws, remote, principal, {
      registry: this.options.registry,
      pipeline: this.options.pipeline,
      store: this.options.store,
      log: this.options.log,
      maxBufferedBytes: this.options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED,
      flushEvents: () => this.#batches.flush(),
    });
    this.#clients.add(client);
    this.#unanswered.set(client, 0);
    this.options.log.debug({ client: client.id, remote: client.remote }, 'WebSocket client connected');
    ws.on('pong', () => this.#unanswered.set(client, 0));
    ws.on('close', (code) => {
      this.#clients.delete(client);
      this.options.log.debug({ client: client.id, code }, 'WebSocket client left');
    });
  }

  /** `vm` goes to every client that may see the VM: the dashboard lists all VMs in its user's scope. */
  publishVm(vm: Vm): void {
    this.#broadcast({ type: 'vm', vm }, vm.id, false);
  }

  publishVmRemoved(id: string): void {
    this.#broadcast({ type: 'vm-removed', vm: id }, id, false);
  }

  publishEvent(record: EventRecord): void {
    this.#batches.add(record);
    let text: string | undefined;
    for (const client of this.#clients) {
      if (client.subscription(record.vm)?.batch !== false || !client.sees(record.vm)) continue;
      text ??= JSON.stringify(eventMessage(record));
      client.sendText(text);
    }
  }

  /** A job's state: to the clients that may see its VM; a storage job (no VM) to every client. */
  publishJob(job: Job): void {
    if (job.vm !== null) {
      this.#broadcast({ type: 'job', job }, job.vm, false);
      return;
    }
    this.#batches.flush();
    const text = JSON.stringify({ type: 'job', job } satisfies ServerMessage);
    for (const client of this.#clients) client.sendText(text);
  }

  publishInflight(vm: string, commands: InflightCommand[]): void {
    this.#broadcast({ type: 'inflight', vm, commands }, vm, true);
  }

  /**
   * Keeps the sessions of open WebSockets alive (their use is written at most once a minute) and closes the
   * clients whose session ended meanwhile (idle elsewhere is impossible while open; too old is not).
   */
  checkSessions(): void {
    const { sessions } = this.options;
    if (!sessions) return;
    const verdicts = new Map<string, boolean>();
    for (const client of this.#clients) {
      const key = client.principal.sessionKey;
      if (key === null || client.closed) continue;
      let valid = verdicts.get(key);
      if (valid === undefined) {
        valid = sessions.lookupKey(key).state === 'valid';
        verdicts.set(key, valid);
      }
      if (!valid) this.#closeForSession(client);
    }
  }

  /** A VM's latest usage sample, to its subscribers that may see it. */
  publishUsage(vm: string, sample: UsageSample): void {
    this.#broadcast({ type: 'usage', vm, sample }, vm, true);
  }

  /** Tells every client the bridge is going away (1001), waits briefly for the closing handshakes, then cuts the rest. */
  async close(graceMs = 1000): Promise<void> {
    clearInterval(this.#heartbeat);
    if (this.#sessionCheck) clearInterval(this.#sessionCheck);
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
      const unanswered = this.#unanswered.get(client) ?? 0;
      if (unanswered >= UNANSWERED_PINGS_TO_DROP) {
        this.options.log.info(
          { client: client.id, unanswered },
          'WebSocket client stopped answering pings; dropped',
        );
        client.ws.terminate();
        continue;
      }
      this.#unanswered.set(client, unanswered + 1);
      client.ws.ping();
    }
  }

  /** Signed out: every WebSocket of that session is closed now. */
  #endSession(key: string): void {
    for (const client of this.#clients) {
      if (client.principal.sessionKey === key && !client.closed) this.#closeForSession(client);
    }
  }

  #closeForSession(client: HubClient): void {
    this.options.log.info(
      { client: client.id, user: client.principal.user?.name },
      'session ended; WebSocket closed',
    );
    client.close(SESSION_ENDED.code, SESSION_ENDED.reason);
  }

  /** To the clients that may see `vm` (all of them, or its subscribers only). */
  #broadcast(message: ServerMessage, vm: string, subscribersOnly: boolean): void {
    this.#batches.flush();
    let text: string | undefined;
    for (const client of this.#clients) {
      if (!client.sees(vm)) continue;
      if (subscribersOnly && client.subscription(vm) === undefined) continue;
      text ??= JSON.stringify(message);
      client.sendText(text);
    }
  }
}
