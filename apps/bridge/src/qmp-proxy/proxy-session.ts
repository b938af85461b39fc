/**
 * One QMP proxy client: QEMU's monitor protocol spoken on one socket, every command through the command pipeline.
 *
 *   waiting      connected, no greeting yet: the VM's QMP link is not up (as a QEMU monitor another client holds)
 *   negotiating  greeted with the VM's own greeting; only qmp_capabilities works, no events
 *   commands     QEMU's events flow; commands go to the pipeline as this client (policy, audit, in flight, cause)
 *
 * Reading follows QEMU: messages that look out-of-band are answered as soon as they are read; the others in
 * order, one at a time (eight queued with `oob`), the bytes behind them waiting unread. The socket is read ahead
 * only up to a bound, so a client that floods only fills its own socket. A client that half-closes (`echo ... |
 * socat`) still gets its answers, then the connection ends, as with QEMU; one that went away entirely loses what
 * it had queued (QEMU drops a closed monitor's queue too), and the reply to what was running is dropped: the
 * command still ran, and the pipeline audited it.
 */
import type { Socket } from 'node:net';
import type { Actor } from '@qmpdeck/protocol';
import type { QmpClient } from '@qmpdeck/qmp';
import type { Principal } from '../auth/principal.ts';
import { toErrorBody } from '../bridge-error.ts';
import { isQmpCommandName } from '../commands/check-request.ts';
import type { CommandPipeline } from '../commands/command-pipeline.ts';
import type { Logger } from '../log.ts';
import { negotiateCapabilities } from './capabilities.ts';
import type { ProxyLimits } from './limits.ts';
import { AUTHENTICATE_COMMAND, type ProxyClient, type ProxyIdentity } from './proxy-identity.ts';
import { type JsonMessage, QemuJsonStreamer } from './qemu-json/streamer.ts';
import { toPlainJson } from './qemu-json/values.ts';
import { looksOutOfBand, type QmpRequest, readRequest } from './qmp-request.ts';
import { errorLine, greetingLine, returnLine } from './replies.ts';

export type SessionState = 'waiting' | 'negotiating' | 'commands' | 'closed';
type Command = Extract<QmpRequest, { kind: 'command' }>;
/** Who a client's commands run as: the actor the in-flight list, causes and audit name, and its principal. */
interface Caller {
  actor: Actor;
  principal: Principal;
}

/** Wrong tokens a client may send before it is disconnected. */
const MAX_FAILED_AUTHENTICATIONS = 3;
/** How long a client the bridge ends may take to read what was already written. */
const END_GRACE_MS = 1000;

export interface ProxySessionDeps {
  vmId: string;
  clientId: string;
  transport: 'unix' | 'tcp';
  remote: string | null;
  identity: ProxyIdentity;
  /** Who the client acts as from the start (ProxyIdentity.admit); null until it authenticates. */
  principal: Principal | null;
  pipeline: CommandPipeline;
  log: Logger;
  limits: ProxyLimits;
  onClose: (session: ProxySession) => void;
}

export class ProxySession {
  #state: SessionState = 'waiting';
  #connection: QmpClient | null = null;
  #offered: readonly string[] = [];
  #oob = false;
  /** Who the commands run as; null until the client authenticates. */
  #caller: Caller | null;
  readonly #streamer: QemuJsonStreamer;
  /** Bytes received and not yet read (reading stops while in-band messages wait for their answers). */
  #unread: Buffer | null = null;
  #unreadAt = 0;
  /** The client sent its last byte (it half-closed, or left): answer what was read, then end. */
  #inputEnded = false;
  /** Once the input ended: the last write's fate, which tells a client that went away from one still reading. */
  #lastWrite: Promise<boolean> = Promise.resolve(true);
  /** In-band messages read and waiting, each with the out-of-band answers it must not overtake. */
  readonly #inBand: { message: JsonMessage; after: Promise<void> }[] = [];
  /**
   * Out-of-band answers in the order they were read: QEMU runs each as it reads it, before reading on, so they never
   * overtake one another, nor an in-band message read after them (while they do overtake in-band ones read before).
   */
  #outOfBand: Promise<void> = Promise.resolve();
  /** In-band messages read and not yet answered. */
  #ahead = 0;
  #draining = false;
  #failedAuthentications = 0;

  constructor(
    readonly socket: Socket,
    readonly deps: ProxySessionDeps,
  ) {
    const { limits } = deps;
    this.#streamer = new QemuJsonStreamer((message) => this.#read(message), {
      maxMessageBytes: limits.maxMessageBytes,
      maxTokens: limits.maxTokens,
      maxNesting: limits.maxNesting,
    });
    this.#caller = deps.principal === null ? null : this.#callerOf(deps.principal);
    socket.pause();
    socket.on('data', (chunk: Buffer) => this.#received(chunk));
    socket.on('error', (err) =>
      deps.log.debug({ vm: deps.vmId, client: deps.clientId, err }, 'QMP proxy client socket error'),
    );
    socket.on('end', () => {
      this.#inputEnded = true;
      this.#finishIfDone();
    });
    socket.on('close', () => this.#closed());
  }

  get state(): SessionState {
    return this.#state;
  }

  get clientId(): string {
    return this.deps.clientId;
  }

  /** The VM's QMP connection this client was greeted from; its end ends this client too. */
  get connection(): QmpClient | null {
    return this.#connection;
  }

  /** Sends the VM's own greeting and starts reading (no-op unless waiting). */
  greet(connection: QmpClient): void {
    if (this.#state !== 'waiting') return;
    this.#connection = connection;
    this.#offered = connection.greeting.capabilities;
    this.#state = 'negotiating';
    this.#write(greetingLine(connection.greeting));
    this.#pump();
  }

  /** One of QEMU's events, already written as a line: only for clients past negotiation (and authentication). */
  event(line: string): void {
    if (this.#state === 'commands' && this.#caller !== null) this.#write(line);
  }

  /** Closes the connection as QEMU closes its monitor's: what was written is still delivered. */
  end(): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.socket.end();
    setTimeout(() => this.socket.destroy(), END_GRACE_MS).unref();
  }

  #received(chunk: Buffer): void {
    this.#unread =
      this.#unread === null ? chunk : Buffer.concat([this.#unread.subarray(this.#unreadAt), chunk]);
    this.#unreadAt = 0;
    this.#pump();
  }

  /**
   * Reads what was received, up to the in-band limit. The socket itself is read ahead only while fewer than
   * `maxUnreadBytes` wait unread: beyond, it pauses, and a flood stays in the client's own socket.
   */
  #pump(): void {
    const full = this.#full;
    while (this.#unread !== null && !full()) {
      const end = this.#streamer.feed(this.#unread, this.#unreadAt, this.#unread.length, full);
      if (end >= this.#unread.length) this.#unread = null;
      else this.#unreadAt = end;
    }
    if (this.#state === 'closed' || this.#state === 'waiting') return;
    const unread = this.#unread === null ? 0 : this.#unread.length - this.#unreadAt;
    if (unread > this.deps.limits.maxUnreadBytes) this.socket.pause();
    else this.socket.resume();
    this.#finishIfDone();
  }

  /**
   * Made once per client, not per read: a closure made on every message is garbage on the hot path (and, run
   * through tsx, each one is also named with a defineProperty).
   */
  readonly #full = (): boolean => this.#ahead >= this.#aheadLimit() || this.#state === 'closed';

  /** After the client's last byte, once everything read is answered: end, as QEMU does on reading end of file. */
  #finishIfDone(): void {
    if (!this.#inputEnded || this.#state === 'closed' || this.#unread !== null || this.#ahead > 0) return;
    void this.#outOfBand.then(() => {
      if (this.#unread === null && this.#ahead === 0) this.end();
    });
  }

  /** QEMU answers one in-band message at a time without `oob`, and queues eight with it. */
  #aheadLimit(): number {
    return this.#oob ? this.deps.limits.inBandAheadWithOob : 1;
  }

  #read(message: JsonMessage): void {
    if (looksOutOfBand(message)) {
      this.#outOfBand = this.#outOfBand.then(() => this.#answerSafely(message));
      return;
    }
    this.#inBand.push({ message, after: this.#outOfBand });
    this.#ahead++;
    if (!this.#draining) void this.#drainInBand();
  }

  async #drainInBand(): Promise<void> {
    this.#draining = true;
    while (this.#inBand.length > 0 && this.#state !== 'closed') {
      const { message, after } = this.#inBand.shift() as { message: JsonMessage; after: Promise<void> };
      await after;
      // A client whose input ended may have gone entirely: the last answer's write says so before the next runs.
      if (this.#inputEnded && !(await this.#lastWrite)) break;
      await this.#answerSafely(message);
      // Let the event loop breathe between answers while more waits: a burst of garbage is thousands of answers
      // made at once. A client waiting for its answer before it sends on (the usual) costs no extra turn.
      if (this.#inBand.length > 0 || this.#unread !== null)
        await new Promise((resolve) => setImmediate(resolve));
      this.#ahead--;
      this.#pump();
    }
    this.#draining = false;
  }

  async #answerSafely(message: JsonMessage): Promise<void> {
    try {
      await this.#answer(message);
    } catch (err) {
      // A bug here must not leave the client waiting forever, nor touch anyone else: say so and let it go.
      this.deps.log.error({ vm: this.deps.vmId, client: this.deps.clientId, err }, 'QMP proxy client failed');
      this.socket.destroy();
    }
  }

  async #answer(message: JsonMessage): Promise<void> {
    const request = readRequest(message, this.#oob);
    if (request.kind === 'invalid') {
      this.#write(errorLine('GenericError', request.desc, request.id));
    } else if (this.#state === 'negotiating') {
      this.#negotiate(request);
    } else if (request.name === 'qmp_capabilities') {
      this.#negotiateAgain(request);
    } else if (request.name === AUTHENTICATE_COMMAND) {
      await this.#authenticate(request);
    } else if (this.#caller === null) {
      this.#write(
        errorLine('Unauthorized', `authenticate first: ${this.deps.identity.authenticateHint}`, request.id),
      );
    } else {
      await this.#forward(request, this.#caller);
    }
  }

  #negotiate(request: Command): void {
    if (request.name !== 'qmp_capabilities') {
      this.#write(
        errorLine(
          'CommandNotFound',
          "Expecting capabilities negotiation with 'qmp_capabilities'",
          request.id,
        ),
      );
      return;
    }
    const result = negotiateCapabilities(request.arguments, this.#offered, false);
    if (!result.ok) {
      this.#write(errorLine(result.class, result.desc, request.id));
      return;
    }
    this.#oob = result.enable.includes('oob');
    this.#state = 'commands';
    this.#write(returnLine({}, request.id));
  }

  #negotiateAgain(request: Command): void {
    if (request.oob) {
      this.#write(errorLine('GenericError', 'The command qmp_capabilities does not support OOB', request.id));
      return;
    }
    const result = negotiateCapabilities(request.arguments, this.#offered, true);
    if (!result.ok) this.#write(errorLine(result.class, result.desc, request.id));
  }

  /** A token, as any client may present it (unix ones too: to act as themselves rather than qmpProxy.user). */
  async #authenticate(request: Command): Promise<void> {
    const { token } = request.arguments;
    if (typeof token !== 'string') {
      const desc =
        token === undefined
          ? "Parameter 'token' is missing"
          : "Invalid parameter type for 'token', expected: string";
      this.#write(errorLine('GenericError', desc, request.id));
      return;
    }
    try {
      this.#caller = this.#callerOf(await this.deps.identity.authenticate(token, this.#client()));
      this.#write(returnLine({}, request.id));
    } catch (err) {
      const { body } = toErrorBody(err);
      this.#write(errorLine(body.class, body.desc, request.id));
      this.#failedAuthentications++;
      // A user out of scope stays so, and a refused address stays refused for a while: no use going on.
      const hopeless = body.class === 'Forbidden' || body.class === 'TooManyRequests';
      if (hopeless || this.#failedAuthentications >= MAX_FAILED_AUTHENTICATIONS) this.end();
    }
  }

  #client(): ProxyClient {
    const { vmId, clientId, transport, remote } = this.deps;
    return { vm: vmId, id: clientId, transport, remote };
  }

  async #forward(request: Command, { actor, principal }: Caller): Promise<void> {
    let line: string;
    try {
      const value = await this.deps.pipeline.run({
        vm: this.deps.vmId,
        target: 'qmp',
        command: request.name,
        arguments: request.hasArguments
          ? (toPlainJson(request.arguments) as Record<string, unknown>)
          : undefined,
        actor,
        principal,
        clientCommandId: request.idText ?? undefined,
        oob: request.oob || undefined,
      });
      line = returnLine(value, request.id);
    } catch (error) {
      const { body } = toErrorBody(error);
      // A name QEMU could never have: the pipeline refuses it up front; QEMU would say it is not found.
      const notFound = body.class === 'BadRequest' && !isQmpCommandName(request.name);
      line = notFound
        ? errorLine('CommandNotFound', `The command ${request.name} has not been found`, request.id)
        : errorLine(body.class, body.desc, request.id);
    }
    this.#write(line);
  }

  #callerOf(principal: Principal): Caller {
    return {
      actor: {
        client: this.deps.clientId,
        user: principal.user?.name ?? null,
        origin: 'qmp-proxy',
        remote: this.deps.remote,
      },
      principal,
    };
  }

  #write(line: string): void {
    if (this.#state === 'closed' || this.socket.destroyed) return;
    if (this.#inputEnded) {
      this.#lastWrite = new Promise((resolve) => this.socket.write(line, (err) => resolve(!err)));
    } else {
      this.socket.write(line);
    }
    if (this.socket.writableLength > this.deps.limits.maxBufferedBytes) {
      this.deps.log.warn(
        { vm: this.deps.vmId, client: this.deps.clientId, bytes: this.socket.writableLength },
        'QMP proxy client reads too slowly; disconnected',
      );
      this.#state = 'closed';
      this.socket.destroy();
    }
  }

  #closed(): void {
    this.#state = 'closed';
    this.#unread = null;
    this.#inBand.length = 0;
    this.deps.onClose(this);
  }
}
