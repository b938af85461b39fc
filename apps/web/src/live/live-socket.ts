/**
 * The ONE WebSocket of a browser tab to the bridge (`/api/ws`). It validates
 * every message with the protocol's `ServerMessage` before handing it on,
 * reconnects by itself with backoff, resubscribes each VM with `after` = the
 * last seq it saw (so a timeline has no gap across a bridge restart), asks for
 * events in batches (`batch: true`: a replay arrives as a few `events` messages
 * instead of one message per event), and correlates `execute` with its
 * `result`. Commands go out as soon as they are asked for: the bridge keeps
 * each client's queue (64 running, the rest waiting in order), so this tab
 * keeps none of its own. It holds no app state: what it receives goes to
 * `onMessage`, which writes the query cache. When the bridge ends the signed-in
 * session it closes the socket with 4401: that is final (reconnecting would be
 * refused), so the socket stops and says so through `onUnauthorized`. A refused
 * upgrade (401) reaches a browser as a close before any open, indistinguishable
 * from a bridge that is away; `onRefused` lets the page ask over HTTP which it was.
 */
import { type ClientMessage, type ExecuteMessage, ServerMessage } from '@qmpdeck/protocol';
import { backoffDelay } from '@qmpdeck/qmp/backoff';
import { RequestError } from '../api/request-error.ts';
import type { LiveState } from './live-state.ts';

/** The part of the browser's WebSocket this class uses, so tests can hand in another. */
export interface SocketLike {
  readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: Event) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
}

export interface LiveSocketOptions {
  url: string;
  onMessage(message: ServerMessage): void;
  onState(state: LiveState): void;
  createSocket?: (url: string) => SocketLike;
  /** Called when a message fails validation; it is dropped and the socket stays open. */
  onInvalid?: (problem: string) => void;
  /** The bridge closed the socket because the session ended (4401); the socket has stopped. */
  onUnauthorized?: () => void;
  /** An attempt closed before it opened: the bridge is away, or refused the upgrade (401). Retried as usual. */
  onRefused?: () => void;
  minDelayMs?: number;
  maxDelayMs?: number;
}

/** A command as the page asks for it; the socket adds `type` and its own `id`. */
export type SocketCommand = Omit<ExecuteMessage, 'type' | 'id'>;

interface Pending {
  resolve(value: unknown): void;
  reject(error: RequestError): void;
}

const OPEN = 1;
/** The close code with which the bridge ends a socket whose session ended (HTTP's 401 in WebSocket's range). */
export const SESSION_ENDED_CLOSE_CODE = 4401;

export class LiveSocket {
  private socket: SocketLike | null = null;
  private state: LiveState = { status: 'connecting', everOpen: false, retryAt: null, bridgeVersion: null };
  private attempts = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private stopped = true;
  private nextId = 1;
  private readonly pending = new Map<string, Pending>();
  /** Subscribed VMs -> how many views want them. */
  private readonly subscribers = new Map<string, number>();
  /** Highest event seq seen per VM: where a resubscribe resumes. */
  private readonly lastSeen = new Map<string, number>();

  constructor(private readonly options: LiveSocketOptions) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const socket = this.socket;
    this.socket = null;
    socket?.close(1000, 'tab closed');
    this.failPending('The page stopped its connection to the bridge');
  }

  get status(): LiveState['status'] {
    return this.state.status;
  }

  /**
   * Starts receiving a VM's events. `after` is where the caller's history ends;
   * the socket keeps the higher of it and what it has seen since. Returns the
   * function that ends this view's interest.
   */
  subscribe(vm: string, after?: number): () => void {
    if (after !== undefined) this.noteSeq(vm, after);
    const count = this.subscribers.get(vm) ?? 0;
    this.subscribers.set(vm, count + 1);
    if (count === 0) this.sendSubscribe(vm);
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      const left = (this.subscribers.get(vm) ?? 1) - 1;
      if (left > 0) {
        this.subscribers.set(vm, left);
        return;
      }
      this.subscribers.delete(vm);
      this.send({ type: 'unsubscribe', vm });
    };
  }

  lastSeenSeq(vm: string): number | undefined {
    return this.lastSeen.get(vm);
  }

  /** Sends a QMP command (or a guest agent one with `target: 'guest'`); resolves with its `return`. */
  execute(command: SocketCommand): Promise<unknown> {
    const id = `web-${this.nextId++}`;
    if (!this.socket || this.socket.readyState !== OPEN) {
      return Promise.reject(
        new RequestError({ class: 'BridgeUnreachable', desc: 'Not connected to the bridge; retrying' }),
      );
    }
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.send({ type: 'execute', id, ...command });
    });
  }

  private connect(): void {
    this.setState({ status: 'connecting', retryAt: null });
    const create = this.options.createSocket ?? ((url: string) => new WebSocket(url));
    const socket = create(this.options.url);
    this.socket = socket;
    let opened = false;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      opened = true;
      this.attempts = 0;
      this.setState({ status: 'open', everOpen: true, retryAt: null });
      for (const vm of this.subscribers.keys()) this.sendSubscribe(vm);
    };
    socket.onmessage = (event) => {
      if (this.socket === socket) this.receive(event.data);
    };
    // An error is always followed by close, where the retry is scheduled.
    socket.onerror = () => {};
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (event?.code === SESSION_ENDED_CLOSE_CODE) {
        this.failPending('The session ended: sign in again');
        this.stop();
        this.setState({ status: 'closed', retryAt: null });
        this.options.onUnauthorized?.();
        return;
      }
      this.failPending('The connection to the bridge closed before the answer came');
      if (!this.stopped) this.scheduleReconnect();
      if (!opened && !this.stopped) this.options.onRefused?.();
    };
  }

  private scheduleReconnect(): void {
    const delay = backoffDelay(this.attempts++, {
      minMs: this.options.minDelayMs ?? 250,
      maxMs: this.options.maxDelayMs ?? 5_000,
    });
    this.setState({ status: 'closed', retryAt: Date.now() + delay });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.stopped) this.connect();
    }, delay);
  }

  private receive(data: unknown): void {
    let json: unknown;
    try {
      json = JSON.parse(String(data));
    } catch {
      this.options.onInvalid?.('a message from the bridge was not JSON');
      return;
    }
    const parsed = ServerMessage.safeParse(json);
    if (!parsed.success) {
      this.options.onInvalid?.(
        `a message from the bridge did not match the protocol: ${parsed.error.message}`,
      );
      return;
    }
    const message = parsed.data;
    this.track(message);
    this.options.onMessage(message);
  }

  /** What the socket itself needs from a message: seqs for resubscribing, results for pending executes. */
  private track(message: ServerMessage): void {
    if (message.type === 'hello') this.setState({ bridgeVersion: message.version });
    if (message.type === 'event') this.noteSeq(message.vm, message.seq);
    if (message.type === 'events') {
      const newest = message.events[message.events.length - 1];
      if (newest) this.noteSeq(message.vm, newest.seq);
    }
    if (message.type === 'result') this.settle(String(message.id), message);
    if (message.type === 'error' && message.id !== undefined) {
      this.settle(String(message.id), { error: message.error });
    }
  }

  private settle(
    id: string,
    outcome: { return?: unknown } | { error: { class: string; desc: string } },
  ): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    if ('error' in outcome) pending.reject(new RequestError(outcome.error));
    else pending.resolve(outcome.return);
  }

  private noteSeq(vm: string, seq: number): void {
    if (seq > (this.lastSeen.get(vm) ?? -1)) this.lastSeen.set(vm, seq);
  }

  private sendSubscribe(vm: string): void {
    const after = this.lastSeen.get(vm);
    this.send(
      after === undefined
        ? { type: 'subscribe', vm, batch: true }
        : { type: 'subscribe', vm, after, batch: true },
    );
  }

  private send(message: ClientMessage): void {
    if (this.socket?.readyState === OPEN) this.socket.send(JSON.stringify(message));
  }

  private failPending(desc: string): void {
    const error = new RequestError({ class: 'ConnectionClosed', desc });
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }

  private setState(change: Partial<LiveState>): void {
    this.state = { ...this.state, ...change };
    this.options.onState(this.state);
  }
}
