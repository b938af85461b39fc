/**
 * One WebSocket client: reads and validates its messages, hands its commands to the command pipeline (after its
 * own queue: 64 in flight, 1,000 waiting), keeps its subscriptions, and sends to it within a bounded buffer. A
 * client that falls too far behind is told (`SlowConsumer`) and dropped; it can come back with
 * `subscribe { after }` and miss nothing. A replay is paced by the client's reading (the socket's write callbacks)
 * and never counts as falling behind.
 */
import {
  BridgeErrorClass,
  type ClientMessage,
  type ErrorBody,
  type EventRecord,
  type ExecuteMessage,
  PROTOCOL_VERSION,
  type ServerMessage,
  type SubscribeMessage,
} from '@qmpdeck/protocol';
import { WebSocket } from 'ws';
import { type Principal, principalSees } from '../auth/principal.ts';
import { toErrorBody } from '../bridge-error.ts';
import type { CommandPipeline } from '../commands/command-pipeline.ts';
import type { EventStore } from '../events/event-store.ts';
import type { Logger } from '../log.ts';
import { BRIDGE_VERSION } from '../version.ts';
import type { VmRegistry } from '../vms/vm-registry.ts';
import { type CommandId, readClientFrame } from './client-frame.ts';
import { eventMessage } from './event-message.ts';
import {
  MAX_COMMANDS_IN_FLIGHT,
  MAX_COMMANDS_QUEUED,
  MAX_QUEUED_COMMAND_BYTES,
  REPLAY_LOW_WATER,
  REPLAY_PAGE,
  SLOW_CONSUMER_GRACE_MS,
} from './limits.ts';

export interface HubClientDeps {
  registry: VmRegistry;
  pipeline: CommandPipeline;
  store: EventStore;
  log: Logger;
  maxBufferedBytes: number;
  /** Sends the hub's pending event batches, so nothing this client is sent overtakes an event recorded before it. */
  flushEvents: () => void;
}

export interface Subscription {
  /** Events of this VM as `events` batches instead of one `event` message each. */
  batch: boolean;
  /** Live events start after this seq (what the replay, or the subscribe without `after`, already covered). */
  liveAfter: number;
}

interface QueuedCommand {
  message: ExecuteMessage;
  bytes: number;
}

export class HubClient {
  /** VMs whose events this client receives live. */
  readonly #subscriptions = new Map<string, Subscription>();
  /** Bumped per VM on every (un)subscribe, so a stale replay stops. */
  readonly #replayGeneration = new Map<string, number>();
  #closed = false;
  #commandsInFlight = 0;
  /** Commands past the in-flight limit, run in the order sent as earlier ones are answered. */
  readonly #queued: QueuedCommand[] = [];
  #queuedBytes = 0;
  /** Replays waiting for the socket to take more (woken by a write callback, or when the socket closes). */
  readonly #drainWaiters: (() => void)[] = [];
  /** Bytes of replay frames handed to the socket and not yet written, oldest first: they are not falling behind. */
  readonly #replayFrameBytes: number[] = [];
  #replayBytes = 0;

  constructor(
    readonly id: string,
    readonly ws: WebSocket,
    readonly remote: string | null,
    readonly principal: Principal,
    readonly deps: HubClientDeps,
  ) {
    ws.on('message', (data, isBinary) => this.#received(data as Buffer, isBinary));
    ws.on('close', () => {
      this.#closed = true;
      this.#subscriptions.clear();
      this.#wakeReplay();
      // Nobody is left to read their results.
      this.#queued.length = 0;
      this.#queuedBytes = 0;
    });
    ws.on('error', (err) => deps.log.debug({ client: id, err }, 'WebSocket error'));
    this.send({
      type: 'hello',
      version: BRIDGE_VERSION,
      protocol: PROTOCOL_VERSION,
      client: id,
      user: principal.user,
    });
  }

  /** The one scope predicate of the fan-out: nothing about a VM out of this client's scope is sent to it. */
  sees(vm: string): boolean {
    return principalSees(this.principal, vm);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** This client's live subscription to `vm`, if any. */
  subscription(vm: string): Subscription | undefined {
    return this.#subscriptions.get(vm);
  }

  send(message: ServerMessage): void {
    this.deps.flushEvents();
    this.sendText(JSON.stringify(message));
  }

  /** For fan-out: the text is serialized once for every client. */
  sendText(text: string): void {
    if (this.#closed || this.ws.readyState !== WebSocket.OPEN) return;
    if (this.ws.bufferedAmount - this.#replayBytes > this.deps.maxBufferedBytes) {
      this.#dropSlowConsumer();
      return;
    }
    this.ws.send(text);
  }

  close(code: number, reason: string): void {
    this.#closed = true;
    this.ws.close(code, reason);
  }

  #dropSlowConsumer(): void {
    this.deps.log.warn({ client: this.id, buffered: this.ws.bufferedAmount }, 'slow consumer dropped');
    const error: ServerMessage = {
      type: 'error',
      error: {
        class: BridgeErrorClass.SlowConsumer,
        desc: 'too many messages queued for this client; reconnect and subscribe with "after" to resume',
      },
    };
    this.ws.send(JSON.stringify(error));
    this.close(1008, 'SlowConsumer');
    // A stuck peer may never finish the closing handshake; give a slow one a moment to read the error.
    setTimeout(() => this.ws.terminate(), SLOW_CONSUMER_GRACE_MS).unref();
  }

  #reject(error: ErrorBody, id?: CommandId): void {
    this.send(id === undefined ? { type: 'error', error } : { type: 'error', error, id });
  }

  #received(data: Buffer, isBinary: boolean): void {
    const frame = readClientFrame(data, isBinary);
    if (frame.ok) {
      this.#handle(frame.message, data.length);
      return;
    }
    // A client waits for an execute's answer by id: a result, even when the execute itself was malformed.
    if (frame.answerAsResult && frame.id !== undefined)
      this.send({ type: 'result', id: frame.id, error: frame.error });
    else this.#reject(frame.error, frame.id);
  }

  #handle(message: ClientMessage, bytes: number): void {
    switch (message.type) {
      case 'subscribe':
        void this.#subscribe(message);
        return;
      case 'unsubscribe':
        this.#bumpGeneration(message.vm);
        this.#subscriptions.delete(message.vm);
        return;
      case 'execute':
        this.#accept(message, bytes);
        return;
      case 'ping':
        this.send(message.id === undefined ? { type: 'pong' } : { type: 'pong', id: message.id });
        return;
    }
  }

  /** Runs the command now, or queues it behind this client's earlier ones; refuses only when the queue is full. */
  #accept(message: ExecuteMessage, bytes: number): void {
    if (this.#commandsInFlight < MAX_COMMANDS_IN_FLIGHT && this.#queued.length === 0) {
      void this.#execute(message);
      return;
    }
    if (this.#queued.length >= MAX_COMMANDS_QUEUED || this.#queuedBytes + bytes > MAX_QUEUED_COMMAND_BYTES) {
      this.send({
        type: 'result',
        id: message.id,
        error: {
          class: BridgeErrorClass.TooManyCommands,
          desc: `${MAX_COMMANDS_IN_FLIGHT + this.#queued.length} commands of this client are already waiting for an answer; send more when they are answered`,
        },
      });
      return;
    }
    this.#queued.push({ message, bytes });
    this.#queuedBytes += bytes;
  }

  #runQueued(): void {
    while (this.#commandsInFlight < MAX_COMMANDS_IN_FLIGHT && this.#queued.length > 0) {
      const next = this.#queued.shift() as QueuedCommand;
      this.#queuedBytes -= next.bytes;
      void this.#execute(next.message);
    }
  }

  async #execute(message: ExecuteMessage): Promise<void> {
    const { id } = message;
    this.#commandsInFlight++;
    try {
      const result = await this.deps.pipeline.run({
        vm: message.vm,
        target: message.target ?? 'qmp',
        command: message.execute,
        arguments: message.arguments,
        actor: {
          client: this.id,
          user: this.principal.user?.name ?? null,
          origin: message.origin ?? null,
          remote: this.remote,
        },
        principal: this.principal,
        // cause.id and in-flight ids are strings in the protocol: a numeric id is named by its decimal form.
        clientCommandId: String(id),
        timeoutMs: message.timeoutMs,
      });
      this.send({ type: 'result', id, return: result ?? {} });
    } catch (err) {
      this.send({ type: 'result', id, error: toErrorBody(err).body });
    } finally {
      this.#commandsInFlight--;
      this.#runQueued();
    }
  }

  /**
   * Replays history after `after` page by page (one `event` frame per event, or one `events` frame per page with
   * `batch`), then joins the live stream in the same tick as the last read: no gap, no duplicate.
   */
  async #subscribe(message: SubscribeMessage): Promise<void> {
    const { vm } = message;
    const batch = message.batch === true;
    if (!this.deps.registry.has(vm) || !this.sees(vm)) {
      this.#reject({ class: BridgeErrorClass.VmNotFound, desc: `no VM with id "${vm}"` });
      return;
    }
    this.deps.log.debug({ client: this.id, vm, after: message.after, batch }, 'subscribe');
    const generation = this.#bumpGeneration(vm);
    this.#subscriptions.delete(vm);
    if (message.after !== undefined) {
      let cursor = message.after;
      for (;;) {
        const page = this.deps.store.page(vm, cursor, REPLAY_PAGE);
        const sent = batch ? this.#replayBatch(vm, page.events) : this.#replayEvents(page.events);
        cursor = page.events[sent - 1]?.seq ?? cursor;
        if (sent === page.events.length && page.events.length < REPLAY_PAGE) break;
        await this.#drained();
        if (this.#closed || this.#replayGeneration.get(vm) !== generation) return;
      }
    }
    const lastSeq = this.deps.store.lastSeq(vm);
    this.#subscriptions.set(vm, { batch, liveAfter: lastSeq });
    this.send({ type: 'subscribed', vm, lastSeq });
  }

  /** One frame per event, stopping at the low-water mark; returns how many were sent. */
  #replayEvents(events: readonly EventRecord[]): number {
    let sent = 0;
    for (const event of events) {
      this.#sendReplayFrame(JSON.stringify(eventMessage(event)));
      sent++;
      if (this.ws.bufferedAmount > this.#replayLowWater) break;
    }
    return sent;
  }

  /** The whole page as one `events` frame. */
  #replayBatch(vm: string, events: EventRecord[]): number {
    if (events.length > 0)
      this.#sendReplayFrame(JSON.stringify({ type: 'events', vm, events } satisfies ServerMessage));
    return events.length;
  }

  #bumpGeneration(vm: string): number {
    const next = (this.#replayGeneration.get(vm) ?? 0) + 1;
    this.#replayGeneration.set(vm, next);
    return next;
  }

  get #replayLowWater(): number {
    return Math.min(REPLAY_LOW_WATER, this.deps.maxBufferedBytes / 2);
  }

  /** Replay is paced by `#drained`, not by the slow-consumer limit. */
  #sendReplayFrame(text: string): void {
    if (this.#closed || this.ws.readyState !== WebSocket.OPEN) return;
    const bytes = Buffer.byteLength(text);
    this.#replayFrameBytes.push(bytes);
    this.#replayBytes += bytes;
    this.ws.send(text, this.#frameWritten);
  }

  /** Each replay frame's write callback (in order): the socket took it; a waiting replay may go on under the mark. */
  readonly #frameWritten = (): void => {
    this.#replayBytes -= this.#replayFrameBytes.shift() ?? 0;
    if (this.ws.bufferedAmount <= this.#replayLowWater) this.#wakeReplay();
  };

  #wakeReplay(): void {
    for (const wake of this.#drainWaiters.splice(0)) wake();
  }

  /** Resolves once what is queued for the socket is under the low-water mark (or the client is gone). */
  #drained(): Promise<void> {
    if (this.#closed || this.ws.bufferedAmount <= this.#replayLowWater) return Promise.resolve();
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }
}
