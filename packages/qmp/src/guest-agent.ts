/**
 * The QEMU Guest Agent (QGA) client, on the same framing as QMP. QGA differs from QMP in ways that shape this file:
 * - no greeting and no events; the socket accepts a connection even when no agent runs, and then nothing answers,
 *   so every call has a short timeout and "no answer" is a typed `GuestAgentUnavailableError`;
 * - replies to earlier clients or commands can be buffered in the virtio-serial queue, so the client resynchronises
 *   with `guest-sync-delimited` and a random id after connecting and after any timeout, discarding everything up to
 *   that id's reply (the agent prefixes it with 0xFF, where the parser restarts);
 * - the agent runs one command at a time, so calls are serialised here: one exchange on the wire at a time.
 */
import type net from 'node:net';
import {
  GuestAgentUnavailableError,
  QmpAbortError,
  type QmpClientError,
  QmpConnectionClosed,
  QmpError,
  QmpProtocolError,
} from './errors.ts';
import { JsonStreamParser } from './framing.ts';
import { Listeners } from './listeners.ts';
import { isRecord, parseResponse } from './messages.ts';
import { openSocket } from './transport.ts';
import type { QmpAddress } from './types.ts';

const SYNC_DELIMITER = 0xff;

export interface GuestAgentConnectOptions {
  /** Socket connect timeout. Default 3000 ms. */
  connectTimeoutMs?: number;
  /** How long a `guest-sync-delimited` may take before the agent counts as unavailable. Default 1000 ms. */
  syncTimeoutMs?: number;
  /** Per-command timeout unless a call gives its own. Default 2000 ms. */
  defaultTimeoutMs?: number;
  /** Largest accepted message. Default 64 MiB. */
  maxMessageBytes?: number;
}

export interface GuestAgentExecuteOptions {
  /** Time allowed for this call, including a resync if one is needed. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

type MessageWaiter = (message: unknown) => boolean;

/**
 * What `on()` accepts: `close` (with the error that ended the connection, undefined after your own close()) and
 * `error` (the socket failed: a reset, a broken pipe); with no `error` listener nothing throws.
 */
export interface GuestAgentClientEvents {
  close: (error: Error | undefined) => void;
  error: (error: QmpClientError) => void;
}

function randomSyncId(): number {
  // A positive int that fits QGA's int argument; fresh per sync so stale sync replies never match.
  return 1 + Math.floor(Math.random() * 0x7ffffffe);
}

export class GuestAgentClient {
  readonly #socket: net.Socket;
  readonly #parser: JsonStreamParser;
  readonly #syncTimeoutMs: number;
  readonly #defaultTimeoutMs: number;
  readonly #listeners = new Listeners<GuestAgentClientEvents>('GuestAgentClient', ['close', 'error']);
  readonly #closePromise: Promise<void>;
  #waiter: MessageWaiter | undefined;
  #onClosed: ((error: QmpConnectionClosed) => void) | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #nextId = 1;
  #synced = false;
  #closed = false;
  #closedByUs = false;
  #socketError: Error | undefined;

  private constructor(socket: net.Socket, options: GuestAgentConnectOptions) {
    this.#socket = socket;
    this.#syncTimeoutMs = options.syncTimeoutMs ?? 1000;
    this.#defaultTimeoutMs = options.defaultTimeoutMs ?? 2000;
    this.#parser = new JsonStreamParser({
      resetByte: SYNC_DELIMITER,
      ...(options.maxMessageBytes === undefined ? {} : { maxMessageBytes: options.maxMessageBytes }),
    });
    socket.on('data', (chunk: Buffer) => this.#handleData(chunk));
    socket.on('error', (err) => {
      this.#socketError = err;
      const failure = new QmpConnectionClosed(`The guest agent connection failed: ${err.message}`, {
        cause: err,
      });
      this.#listeners.emit('error', failure);
    });
    this.#closePromise = new Promise((resolve) => socket.once('close', () => resolve(this.#handleClose())));
  }

  /**
   * Opens the agent's socket and tries a first sync. Resolves even when no agent answers (see `available`);
   * rejects only when the socket itself cannot be opened (`QmpConnectError`).
   */
  static async connect(
    address: QmpAddress,
    options: GuestAgentConnectOptions = {},
  ): Promise<GuestAgentClient> {
    const socket = await openSocket(address, options.connectTimeoutMs ?? 3000);
    const client = new GuestAgentClient(socket, options);
    await client.sync().catch((error: unknown) => {
      if (!(error instanceof GuestAgentUnavailableError)) throw error;
    });
    return client;
  }

  /** True after a successful sync, false once a sync or command went unanswered. */
  get available(): boolean {
    return this.#synced;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Resynchronises with the agent. Rejects with `GuestAgentUnavailableError` when it does not answer in time. */
  sync(timeoutMs = this.#syncTimeoutMs): Promise<void> {
    return this.#serialised(() => this.#syncNow(timeoutMs));
  }

  /**
   * Runs an agent command (resyncing first if needed). Rejects with `QmpError` (the agent's error),
   * `GuestAgentUnavailableError` (no answer in time), `QmpAbortError` or `QmpConnectionClosed`.
   * Note: `guest-shutdown` sends no reply on success, so it ends in `GuestAgentUnavailableError`.
   */
  execute(
    name: string,
    args?: Record<string, unknown>,
    options: GuestAgentExecuteOptions = {},
  ): Promise<unknown> {
    const deadline = Date.now() + (options.timeoutMs ?? this.#defaultTimeoutMs);
    return this.#serialised(async () => {
      if (options.signal?.aborted) {
        throw new QmpAbortError(`${name} was cancelled`, { cause: options.signal.reason });
      }
      if (!this.#synced) await this.#syncNow(Math.min(this.#syncTimeoutMs, deadline - Date.now()));
      const id = this.#nextId++;
      const request: Record<string, unknown> = { execute: name, id };
      if (args !== undefined) request.arguments = args;
      const reply = await this.#exchange(
        JSON.stringify(request),
        (message) => isRecord(message) && message.id === id,
        deadline - Date.now(),
        options.signal,
        `${name} got no answer from the guest agent`,
      );
      const response = parseResponse(reply as Record<string, unknown>);
      if (!response) throw new QmpProtocolError(`Unrecognised guest agent reply to ${name}`);
      if (response.kind === 'error') throw new QmpError(response.class, response.desc, name);
      return response.value;
    });
  }

  /** Listens to `close` or `error`; any other name throws `QmpUsageError`. */
  on<K extends keyof GuestAgentClientEvents>(type: K, fn: GuestAgentClientEvents[K]): this {
    this.#listeners.add(type, fn);
    return this;
  }

  off<K extends keyof GuestAgentClientEvents>(type: K, fn: GuestAgentClientEvents[K]): this {
    this.#listeners.delete(type, fn);
    return this;
  }

  close(): Promise<void> {
    if (!this.#closed) {
      this.#closedByUs = true;
      this.#socket.destroy();
    }
    return this.#closePromise;
  }

  #serialised<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(() => {
      if (this.#closed) throw new QmpConnectionClosed('The guest agent connection is closed');
      return operation();
    });
    // The queue only orders operations; each caller sees its own result.
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #syncNow(timeoutMs: number): Promise<void> {
    this.#synced = false;
    const syncId = randomSyncId();
    // A leading 0xFF makes the agent drop any partial input a previous client left; it answers with an id-less
    // parse error, which the wait below discards like every other stale reply.
    const request = Buffer.concat([
      Buffer.from([SYNC_DELIMITER]),
      Buffer.from(JSON.stringify({ execute: 'guest-sync-delimited', arguments: { id: syncId } })),
    ]);
    await this.#exchange(
      request,
      (message) => isRecord(message) && message.return === syncId,
      timeoutMs,
      undefined,
      'The guest agent did not answer guest-sync-delimited',
    );
    this.#synced = true;
  }

  /** Writes a request and waits for the first message `matches` accepts, discarding all others. */
  #exchange(
    request: string | Buffer,
    matches: MessageWaiter,
    timeoutMs: number,
    signal: AbortSignal | undefined,
    unansweredDesc: string,
  ): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const finish = (error: Error | undefined, message?: unknown) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.#waiter = undefined;
        this.#onClosed = undefined;
        if (error) {
          // Whatever this exchange's reply turns out to be, it may arrive later: resync before the next one.
          this.#synced = false;
          reject(error);
        } else {
          resolve(message);
        }
      };
      const onAbort = () =>
        finish(new QmpAbortError('The guest agent command was cancelled', { cause: signal?.reason }));
      const timer = setTimeout(
        () => finish(new GuestAgentUnavailableError(`${unansweredDesc} within ${Math.max(0, timeoutMs)} ms`)),
        Math.max(0, timeoutMs),
      );
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#onClosed = (error) => finish(error);
      this.#waiter = (message) => {
        if (!matches(message)) return false;
        finish(undefined, message);
        return true;
      };
      this.#socket.write(request);
      this.#socket.write('\n');
    });
  }

  #handleData(chunk: Buffer): void {
    try {
      this.#parser.push(chunk, (message) => this.#waiter?.(message));
    } catch {
      // Garbage in the agent's stream (e.g. left from a previous client) is not fatal: the next sync realigns.
      this.#synced = false;
    }
  }

  #handleClose(): void {
    this.#closed = true;
    this.#synced = false;
    const reason = this.#closedByUs
      ? new QmpConnectionClosed('The guest agent connection was closed by the client')
      : new QmpConnectionClosed(
          `The guest agent connection closed${this.#socketError ? `: ${this.#socketError.message}` : ''}`,
          { cause: this.#socketError },
        );
    this.#onClosed?.(reason);
    this.#listeners.emit('close', this.#closedByUs ? undefined : reason);
  }
}
