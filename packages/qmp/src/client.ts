/**
 * One QMP connection: greeting, capabilities negotiation, commands correlated by the library's own ids, and events.
 *
 * Ordering guarantee: messages are handled in arrival order, and 'event' listeners run synchronously when an event
 * arrives, so every event QEMU sends before a command's reply is seen before that command's promise settles.
 */
import type net from 'node:net';
import { DeadlineTimer } from './deadline-timer.ts';
import {
  QmpAbortError,
  QmpBusyError,
  type QmpClientError,
  QmpConnectionClosed,
  QmpError,
  QmpProtocolError,
  QmpTimeoutError,
  QmpUsageError,
} from './errors.ts';
import { EventQueue } from './event-queue.ts';
import { JsonStreamParser } from './framing.ts';
import { Listeners } from './listeners.ts';
import { isRecord, parseEvent, parseGreeting, parseResponse, type QmpResponse } from './messages.ts';
import { describeAddress, openSocket } from './transport.ts';
import type {
  ArgsOf,
  ConnectOptions,
  ExecuteOptions,
  QmpAddress,
  QmpEvent,
  QmpEventName,
  QmpGreeting,
  ReturnOf,
  TypedQmpEvent,
} from './types.ts';

const DEFAULT_CONNECT_TIMEOUT_MS = 3000;
const DEFAULT_GREETING_TIMEOUT_MS = 3000;
const DEFAULT_COMMAND_TIMEOUT_MS = 30_000;

interface PendingCommand {
  name: string;
  resolve: (value: unknown) => void;
  reject: (error: QmpClientError) => void;
  /** performance.now() time after which the command fails with a timeout. */
  deadline: number;
  timeoutMs: number;
  /** Detaches the AbortSignal listener, when there is one. */
  cleanup: (() => void) | undefined;
}

type EventListener = (event: QmpEvent) => void;
type CloseListener = (error: Error | undefined) => void;
const NOT_QMP = 'The peer is not a QMP server';

type ProtocolErrorListener = (error: QmpProtocolError) => void;
type ErrorListener = (error: QmpClientError) => void;

/**
 * What `on()` accepts. `error` is what Node users expect: protocol errors and connection failures (a reset, a
 * broken pipe), each also reported through its own event; unlike an EventEmitter, a client with no `error`
 * listener does not throw.
 */
export interface QmpClientEvents {
  event: EventListener;
  close: CloseListener;
  'protocol-error': ProtocolErrorListener;
  error: ErrorListener;
}

/**
 * Commands whose success ends the connection. QEMU's schema says of `quit`: "a premature EOF would not be
 * unexpected": QEMU may exit before its reply is read (or sent), and a client that wrote anything after
 * SHUTDOWN then sees EPIPE instead. So the server closing the connection while one waits is its answer.
 */
const SUCCEEDS_BY_CLOSING: ReadonlySet<string> = new Set(['quit']);

export class QmpClient {
  readonly #socket: net.Socket;
  readonly #parser: JsonStreamParser;
  readonly #defaultTimeoutMs: number;
  readonly #pending = new Map<number, PendingCommand>();
  readonly #queues = new Set<EventQueue>();
  readonly #listeners = new Listeners<QmpClientEvents>('QmpClient', [
    'event',
    'close',
    'protocol-error',
    'error',
  ]);
  /** Parsed messages (or the protocol error that ended parsing) not yet handled. */
  readonly #inbox: unknown[] = [];
  #drainScheduled: NodeJS.Immediate | undefined;
  readonly #deadlines = new DeadlineTimer((now) => this.#expire(now));
  #nextId = 1;
  #greeting: QmpGreeting | undefined;
  #onGreeting: ((greeting: QmpGreeting | QmpClientError) => void) | undefined;
  #capabilities: readonly string[] = [];
  #closed = false;
  #closedByUs = false;
  #closeError: QmpClientError | undefined;
  #closePromise: Promise<void>;

  private constructor(socket: net.Socket, options: ConnectOptions) {
    this.#socket = socket;
    this.#defaultTimeoutMs = options.defaultTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    this.#parser = new JsonStreamParser(
      options.maxMessageBytes === undefined ? {} : { maxMessageBytes: options.maxMessageBytes },
    );
    this.#closePromise = new Promise((resolve) => {
      socket.once('close', () => {
        this.#handleClose();
        resolve();
      });
    });
    socket.on('data', (chunk: Buffer) => this.#handleData(chunk));
    socket.on('error', (err) => {
      // The 'close' that follows does the cleanup; keep why it ended.
      const failure = new QmpConnectionClosed(`QMP connection failed: ${err.message}`, { cause: err });
      this.#closeError ??= failure;
      this.#emit('error', failure);
    });
  }

  /**
   * Connects, waits for the greeting and negotiates capabilities. Rejects with `QmpConnectError` (socket),
   * `QmpBusyError` (no greeting: another client holds the monitor) or `QmpProtocolError` (the peer is not QMP).
   */
  static async connect(address: QmpAddress, options: ConnectOptions = {}): Promise<QmpClient> {
    const socket = await openSocket(address, options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS);
    const client = new QmpClient(socket, options);
    try {
      await client.#waitForGreeting(options.greetingTimeoutMs ?? DEFAULT_GREETING_TIMEOUT_MS, address);
      await client.#negotiate(options.oob ?? false);
    } catch (error) {
      client.#socket.destroy();
      await client.#closePromise;
      throw error;
    }
    return client;
  }

  /** The server's greeting: QEMU version and offered capabilities. */
  get greeting(): QmpGreeting {
    return this.#greeting as QmpGreeting;
  }

  /** Capabilities enabled by negotiation (e.g. `['oob']`). */
  get capabilities(): readonly string[] {
    return this.#capabilities;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Runs a command. Resolves with its `return` value; rejects with `QmpError` (QEMU's error), `QmpTimeoutError`,
   * `QmpAbortError`, or `QmpConnectionClosed`. A timed-out or aborted command's late reply is dropped.
   */
  execute<K extends string>(name: K, args?: ArgsOf<K>, options: ExecuteOptions = {}): Promise<ReturnOf<K>> {
    return this.#send(name, args as Record<string, unknown> | undefined, options) as Promise<ReturnOf<K>>;
  }

  /**
   * An async iterator over events (optionally only the named ones), with its own queue; it ends on close.
   * Filtering by known event names gives schema-typed events.
   */
  events<N extends QmpEventName>(filter: { names: N[] }): AsyncIterableIterator<TypedQmpEvent<N>>;
  events(filter?: { names?: string[] }): AsyncIterableIterator<QmpEvent>;
  events(filter: { names?: string[] } = {}): AsyncIterableIterator<QmpEvent> {
    const queue = new EventQueue(filter.names, (q) => this.#queues.delete(q));
    if (this.#closed) queue.end();
    else this.#queues.add(queue);
    return queue;
  }

  /** Listens to `event`, `close`, `protocol-error` or `error`; any other name throws `QmpUsageError`. */
  on<K extends keyof QmpClientEvents>(type: K, fn: QmpClientEvents[K]): this {
    this.#listeners.add(type, fn);
    return this;
  }

  off<K extends keyof QmpClientEvents>(type: K, fn: QmpClientEvents[K]): this {
    this.#listeners.delete(type, fn);
    return this;
  }

  /** Closes the connection; pending commands reject with `QmpConnectionClosed`. Resolves once the socket is gone. */
  close(): Promise<void> {
    if (!this.#closed) {
      this.#closedByUs = true;
      this.#socket.destroy();
    }
    return this.#closePromise;
  }

  #send(name: string, args: Record<string, unknown> | undefined, options: ExecuteOptions): Promise<unknown> {
    if (this.#closed)
      return Promise.reject(new QmpConnectionClosed(`Cannot run ${name}: the connection is closed`));
    if (options.oob && !this.#capabilities.includes('oob')) {
      return Promise.reject(new QmpUsageError(`Cannot run ${name} out-of-band: oob was not negotiated`));
    }
    const { signal } = options;
    if (signal?.aborted)
      return Promise.reject(new QmpAbortError(`${name} was cancelled`, { cause: signal.reason }));
    const id = this.#nextId++;
    const message: Record<string, unknown> = options.oob ? { 'exec-oob': name } : { execute: name };
    if (args !== undefined) message.arguments = args;
    message.id = id;
    let line: string;
    try {
      line = `${JSON.stringify(message)}\n`;
    } catch (cause) {
      // BigInt or a cycle in the arguments: refuse before anything is sent or left pending.
      return Promise.reject(
        new QmpUsageError(`Cannot send ${name}: its arguments are not JSON (${(cause as Error).message})`),
      );
    }
    return new Promise((resolve, reject) => {
      const timeoutMs = options.timeoutMs ?? this.#defaultTimeoutMs;
      const deadline = DeadlineTimer.now() + timeoutMs;
      const command: PendingCommand = { name, resolve, reject, deadline, timeoutMs, cleanup: undefined };
      if (signal) {
        const onAbort = () => {
          this.#pending.delete(id);
          reject(new QmpAbortError(`${name} was cancelled`, { cause: signal.reason }));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        command.cleanup = () => signal.removeEventListener('abort', onAbort);
      }
      this.#pending.set(id, command);
      this.#deadlines.schedule(deadline);
      this.#socket.write(line);
    });
  }

  /** Fails every command whose deadline has passed; returns the earliest deadline still pending. */
  #expire(now: number): number {
    let next = Number.POSITIVE_INFINITY;
    for (const [id, command] of this.#pending) {
      if (command.deadline <= now) {
        this.#pending.delete(id);
        command.cleanup?.();
        command.reject(new QmpTimeoutError(`${command.name} got no reply within ${command.timeoutMs} ms`));
      } else if (command.deadline < next) {
        next = command.deadline;
      }
    }
    return next;
  }

  #waitForGreeting(timeoutMs: number, address: QmpAddress): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#onGreeting = undefined;
        reject(
          new QmpBusyError(
            `No QMP greeting from ${describeAddress(address)} within ${timeoutMs} ms: another client holds the monitor`,
          ),
        );
      }, timeoutMs);
      this.#onGreeting = (result) => {
        clearTimeout(timer);
        this.#onGreeting = undefined;
        if (result instanceof Error) reject(result);
        else resolve();
      };
    });
  }

  async #negotiate(wantOob: boolean): Promise<void> {
    const enable = wantOob && this.greeting.capabilities.includes('oob') ? ['oob'] : [];
    await this.#send('qmp_capabilities', enable.length > 0 ? { enable } : undefined, {});
    this.#capabilities = enable;
  }

  #handleData(chunk: Buffer): void {
    try {
      this.#parser.push(chunk, (message) => this.#inbox.push(message));
    } catch (error) {
      this.#inbox.push(error as QmpProtocolError);
    }
    if (this.#drainScheduled === undefined) this.#drain(true);
  }

  /**
   * Handles received messages in arrival order. After a reply settles a command, the rest waits for the next
   * macrotask, so everything chained on that command's promise (however many awaits deep) runs before any later
   * event is dispatched: a listener never sees an event that followed a reply before the reply's own continuation.
   */
  #drain(deferAfterReply: boolean): void {
    this.#drainScheduled = undefined;
    while (this.#inbox.length > 0) {
      const message = this.#inbox.shift();
      if (message instanceof QmpProtocolError) {
        // The stream can no longer be trusted to line up with message boundaries: end the connection.
        this.#failProtocol(message);
        return;
      }
      const settled = this.#handleMessage(message);
      if (settled && deferAfterReply && this.#inbox.length > 0) {
        this.#drainScheduled = setImmediate(() => this.#drain(true));
        return;
      }
    }
  }

  #failProtocol(cause: QmpProtocolError): void {
    // Garbage before any greeting usually means a wrong port (SSH, HTTP): say so rather than name a byte.
    const error =
      this.#greeting === undefined && !cause.desc.startsWith(NOT_QMP)
        ? new QmpProtocolError(`${NOT_QMP}: ${cause.desc}`, { cause })
        : cause;
    this.#inbox.length = 0;
    this.#closeError = new QmpConnectionClosed(`QMP connection dropped: ${error.desc}`, { cause: error });
    this.#onGreeting?.(error);
    this.#emitProtocolError(error);
    this.#socket.destroy();
  }

  /** Returns true when the message settled a pending command. */
  #handleMessage(message: unknown): boolean {
    if (this.#greeting === undefined) {
      const greeting = parseGreeting(message);
      if (greeting) {
        this.#greeting = greeting;
        this.#onGreeting?.(greeting);
      } else {
        this.#failProtocol(new QmpProtocolError(`${NOT_QMP}: its first message is not a greeting`));
      }
      return false;
    }
    if (!isRecord(message)) {
      this.#emitProtocolError(new QmpProtocolError('Unexpected non-object message from QMP server'));
      return false;
    }
    const event = parseEvent(message);
    if (event) {
      this.#dispatchEvent(event);
      return false;
    }
    const response = parseResponse(message);
    if (response) return this.#settle(response);
    this.#emitProtocolError(new QmpProtocolError(`Unrecognised QMP message: ${JSON.stringify(message)}`));
    return false;
  }

  #dispatchEvent(event: QmpEvent): void {
    // With oob, QEMU may drop an in-band command when its queue is full and says so with this event.
    if (event.event === 'COMMAND_DROPPED' && typeof event.data?.id === 'number') {
      const pending = this.#take(event.data.id);
      pending?.reject(
        new QmpError('CommandDropped', `QEMU dropped ${pending.name}: ${event.data.reason}`, pending.name),
      );
    }
    this.#emit('event', event);
    for (const queue of this.#queues) queue.push(event);
  }

  #settle(response: QmpResponse): boolean {
    if (!response.hasId) {
      // QEMU could not read the id (bad JSON, unknown member): never guess which command this belongs to.
      const desc =
        response.kind === 'error'
          ? `QMP error without id: ${response.class}: ${response.desc}`
          : 'QMP return without id';
      this.#emitProtocolError(new QmpProtocolError(desc));
      return false;
    }
    if (typeof response.id !== 'number') return false; // not one of ours: drop, as the spec says
    const pending = this.#take(response.id);
    if (!pending) return false; // a late reply to a command that timed out or was cancelled
    if (response.kind === 'return') pending.resolve(response.value);
    else pending.reject(new QmpError(response.class, response.desc, pending.name));
    return true;
  }

  #take(id: number): PendingCommand | undefined {
    const pending = this.#pending.get(id);
    if (!pending) return undefined;
    this.#pending.delete(id);
    pending.cleanup?.();
    return pending;
  }

  #handleClose(): void {
    if (this.#closed) return;
    // Replies that arrived before the end still count: settle them before failing what is left.
    clearImmediate(this.#drainScheduled);
    this.#drain(false);
    this.#closed = true;
    this.#deadlines.cancel();
    const reason = this.#closedByUs
      ? new QmpConnectionClosed('The QMP connection was closed by the client')
      : (this.#closeError ?? new QmpConnectionClosed('The QMP server closed the connection'));
    if (this.#onGreeting) this.#onGreeting(reason);
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const command of pending) {
      command.cleanup?.();
      if (!this.#closedByUs && SUCCEEDS_BY_CLOSING.has(command.name)) command.resolve({});
      else
        command.reject(new QmpConnectionClosed(`${command.name} failed: ${reason.desc}`, { cause: reason }));
    }
    for (const queue of this.#queues) queue.end();
    this.#queues.clear();
    this.#emit('close', this.#closedByUs ? undefined : reason);
  }

  #emitProtocolError(error: QmpProtocolError): void {
    this.#emit('protocol-error', error);
    this.#emit('error', error);
  }

  #emit<K extends keyof QmpClientEvents>(type: K, ...args: Parameters<QmpClientEvents[K]>): void {
    this.#listeners.emit(type, ...args);
  }
}
