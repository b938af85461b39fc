/**
 * Supervision for QEMU processes that restart: keeps one QmpClient connected, reconnecting with exponential backoff
 * plus jitter, and reports each state change (with the error that caused it, e.g. QmpBusyError).
 */
import { backoffDelay } from './backoff.ts';
import { QmpClient } from './client.ts';
import {
  type QmpClientError,
  QmpConnectError,
  QmpConnectionClosed,
  type QmpProtocolError,
} from './errors.ts';
import { Listeners } from './listeners.ts';
import type { ArgsOf, ConnectOptions, ExecuteOptions, QmpAddress, QmpEvent, ReturnOf } from './types.ts';

export type ReconnectingState = 'connecting' | 'connected' | 'disconnected';

export interface ReconnectingStateDetail {
  error?: QmpClientError;
  client?: QmpClient;
}

export interface ReconnectingOptions extends ConnectOptions {
  /** First retry delay. Default 100 ms. */
  minDelayMs?: number;
  /** Retry delay cap. Default 5000 ms. */
  maxDelayMs?: number;
  /** Random spread of each delay, as a fraction (0.2 = ±20%). Default 0.2. */
  jitter?: number;
  onStateChange?: (state: ReconnectingState, detail: ReconnectingStateDetail) => void;
}

type StateListener = (state: ReconnectingState, detail: ReconnectingStateDetail) => void;
type EventListener = (event: QmpEvent) => void;
type ProtocolErrorListener = (error: QmpProtocolError) => void;
type ErrorListener = (error: QmpClientError) => void;

/** What `on()` accepts; see `on`. */
export interface ReconnectingQmpClientEvents {
  state: StateListener;
  event: EventListener;
  'protocol-error': ProtocolErrorListener;
  error: ErrorListener;
}

function asClientError(error: unknown): QmpClientError {
  if (error instanceof Error && 'class' in error) return error as QmpClientError;
  return new QmpConnectError(`Unexpected connect failure: ${String(error)}`, undefined, { cause: error });
}

export class ReconnectingQmpClient {
  readonly #address: QmpAddress;
  readonly #options: ReconnectingOptions;
  readonly #listeners = new Listeners<ReconnectingQmpClientEvents>('ReconnectingQmpClient', [
    'state',
    'event',
    'protocol-error',
    'error',
  ]);
  #state: ReconnectingState = 'disconnected';
  #client: QmpClient | null = null;
  #running = false;
  #attempt = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(address: QmpAddress, options: ReconnectingOptions = {}) {
    this.#address = address;
    this.#options = options;
  }

  get state(): ReconnectingState {
    return this.#state;
  }

  /** The live connection, or null while not connected. */
  get client(): QmpClient | null {
    return this.#client;
  }

  start(): this {
    if (this.#running) return this;
    this.#running = true;
    this.#attempt = 0;
    void this.#connectOnce();
    return this;
  }

  async stop(): Promise<void> {
    this.#running = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const client = this.#client;
    if (client) await client.close();
    else if (this.#state !== 'disconnected') this.#setState('disconnected', {});
  }

  /** Runs a command on the current connection; rejects with QmpConnectionClosed when there is none. */
  execute<K extends string>(name: K, args?: ArgsOf<K>, options?: ExecuteOptions): Promise<ReturnOf<K>> {
    if (!this.#client) {
      return Promise.reject(new QmpConnectionClosed(`Cannot run ${name}: not connected (${this.#state})`));
    }
    return this.#client.execute(name, args, options);
  }

  /**
   * 'state': every state change; 'event': events of whichever connection is live; 'protocol-error': see QmpClient;
   * 'error': every failed attempt, lost connection and protocol error, as Node users expect (with no 'error'
   * listener nothing throws). Any other name throws `QmpUsageError`.
   */
  on<K extends keyof ReconnectingQmpClientEvents>(type: K, fn: ReconnectingQmpClientEvents[K]): this {
    this.#listeners.add(type, fn);
    return this;
  }

  off<K extends keyof ReconnectingQmpClientEvents>(type: K, fn: ReconnectingQmpClientEvents[K]): this {
    this.#listeners.delete(type, fn);
    return this;
  }

  async #connectOnce(): Promise<void> {
    this.#timer = undefined;
    if (!this.#running) return;
    this.#setState('connecting', {});
    let client: QmpClient;
    try {
      client = await QmpClient.connect(this.#address, this.#options);
    } catch (error) {
      if (!this.#running) return;
      const failure = asClientError(error);
      this.#setState('disconnected', { error: failure });
      this.#emitError(failure);
      this.#scheduleRetry();
      return;
    }
    if (!this.#running) {
      await client.close();
      return;
    }
    this.#attempt = 0;
    this.#client = client;
    client.on('event', (event) => {
      this.#listeners.emit('event', event);
    });
    client.on('protocol-error', (error) => {
      this.#listeners.emit('protocol-error', error);
      this.#listeners.emit('error', error);
    });
    // The connection's own 'error' would repeat what 'close' and 'protocol-error' say: report each failure once.
    client.on('close', (error) => {
      this.#client = null;
      const detail: ReconnectingStateDetail = {};
      if (error) detail.error = asClientError(error);
      this.#setState('disconnected', detail);
      if (detail.error) this.#emitError(detail.error);
      if (this.#running) this.#scheduleRetry();
    });
    this.#setState('connected', { client });
  }

  #scheduleRetry(): void {
    const delay = backoffDelay(this.#attempt++, {
      minMs: this.#options.minDelayMs ?? 100,
      maxMs: this.#options.maxDelayMs ?? 5000,
      jitter: this.#options.jitter ?? 0.2,
    });
    this.#timer = setTimeout(() => void this.#connectOnce(), delay);
  }

  #setState(state: ReconnectingState, detail: ReconnectingStateDetail): void {
    this.#state = state;
    this.#options.onStateChange?.(state, detail);
    this.#listeners.emit('state', state, detail);
  }

  #emitError(error: QmpClientError): void {
    this.#listeners.emit('error', error);
  }
}
