/**
 * A VM's QMP link: one reconnecting connection (backoff up to 2 s), what it says about the link (`connecting`,
 * `connected`, `disconnected`, `busy` with words for people), the bridge events of its life (BRIDGE_CONNECTED,
 * BRIDGE_DISCONNECTED, BRIDGE_BUSY) and its lines in the operator's log.
 *
 * Busy detection: QEMU serves one QMP client at a time. Another client holding the monitor shows as a missing
 * greeting (QmpBusyError), then, once our abandoned attempts fill QEMU's listen backlog, as EAGAIN on a unix socket
 * (the library calls that busy too) or a connect timeout on TCP, which this link still calls busy.
 */
import type { QemuVersion } from '@qmpdeck/protocol';
import { BridgeErrorClass } from '@qmpdeck/protocol';
import {
  type QmpAddress,
  QmpBusyError,
  type QmpClient,
  type QmpClientError,
  QmpConnectError,
  type QmpEvent,
  ReconnectingQmpClient,
  type ReconnectingState,
  type ReconnectingStateDetail,
} from '@qmpdeck/qmp';
import { BridgeError } from '../bridge-error.ts';
import type { Logger } from '../log.ts';
import type { RecordBridgeEvent } from './event-recorder.ts';
import { LinkLog } from './link-log.ts';

export type LinkState = 'connecting' | 'connected' | 'disconnected' | 'busy';

export interface QmpLinkOptions {
  vmId: string;
  log: Logger;
  record: RecordBridgeEvent;
  /** The link's state, message or QEMU version changed. */
  onChange: () => void;
  /** A new connection is up (ask the run state). */
  onConnected: () => void;
  onEvent: (event: QmpEvent) => void;
  /**
   * Called when an established connection ends without the bridge asking: resolves true when that was QEMU
   * exiting (a managed VM's process ended), which is not a link problem; the link then stops retrying.
   */
  endedWithQemu?: () => Promise<boolean>;
  /** A failed attempt to expect, not to warn about (a managed QEMU that has not created its socket yet). */
  expectedFailure?: (error: QmpClientError) => boolean;
  maxRetryDelayMs?: number | undefined;
  greetingTimeoutMs?: number | undefined;
  connectTimeoutMs?: number | undefined;
}

export class QmpLink {
  readonly #options: QmpLinkOptions;
  readonly #log: LinkLog;
  #qmp: ReconnectingQmpClient | null = null;
  #state: LinkState = 'connecting';
  #message: string | null = null;
  #qemu: QemuVersion | null = null;
  #wasConnected = false;
  /** Counts connections made, so a judgement about an old one never overrides a newer one. */
  #connections = 0;
  /** A connection just ended and whether QEMU exited with it is not known yet: retries that fail say nothing. */
  #judgingLoss = false;
  /** Where the live (or last) connection goes, for the log. */
  #address = '';

  constructor(options: QmpLinkOptions) {
    this.#options = options;
    this.#log = new LinkLog(options.log, options.vmId);
  }

  get state(): LinkState {
    return this.#state;
  }

  get message(): string | null {
    return this.#message;
  }

  /** From the greeting of the live or last connection; null until first connected. */
  get qemu(): QemuVersion | null {
    return this.#qemu;
  }

  /** The live connection, for the bridge's own queries; null while not connected. */
  get client(): QmpClient | null {
    return this.#state === 'connected' ? (this.#qmp?.client ?? null) : null;
  }

  get active(): boolean {
    return this.#qmp !== null;
  }

  /** Starts connecting (no-op while a link is up or trying). */
  connect(address: QmpAddress): void {
    if (this.#qmp) return;
    this.#address = 'path' in address ? address.path : `${address.host}:${address.port}`;
    const qmp = new ReconnectingQmpClient(address, {
      minDelayMs: 100,
      maxDelayMs: this.#options.maxRetryDelayMs ?? 2000,
      greetingTimeoutMs: this.#options.greetingTimeoutMs ?? 3000,
      // Negotiated when QEMU offers it, so a QMP proxy client's `exec-oob` can go out-of-band too.
      oob: true,
      ...(this.#options.connectTimeoutMs === undefined
        ? {}
        : { connectTimeoutMs: this.#options.connectTimeoutMs }),
      onStateChange: (state, detail) => {
        if (this.#qmp === qmp) this.#changed(state, detail);
      },
    });
    qmp.on('event', (event) => {
      if (this.#qmp === qmp) this.#options.onEvent(event);
    });
    this.#qmp = qmp;
    this.#setState('connecting', null);
    qmp.start();
  }

  /**
   * Closes the link and stops retrying. `why`: the bridge's own decision (stopping, a socket gone: logged as closed
   * by the bridge), or QEMU having exited (nothing to add: the process says so).
   */
  async disconnect(why: 'bridge' | 'qemu-exited'): Promise<void> {
    const qmp = this.#qmp;
    if (!qmp) return;
    this.#qmp = null;
    // Said before the socket is closed: a QEMU started again meanwhile (Start right after an exit) gets a link of
    // its own at once, and this one must not end that link's story or take its state once its socket is closed.
    if (this.#wasConnected && why === 'bridge') this.#log.closedByBridge();
    this.#ended(null);
    this.#setState('disconnected', why === 'bridge' ? 'not connected' : null);
    await qmp.stop();
  }

  /** Runs a person's command on the live connection (the pipeline's QMP route); `oob`: as `exec-oob`. */
  execute(
    command: string,
    args: Record<string, unknown> | undefined,
    timeoutMs: number,
    oob = false,
  ): Promise<unknown> {
    const client = this.client;
    if (!client) {
      const why = this.#state === 'connected' ? 'its connection just ended' : this.#state;
      throw new BridgeError(
        BridgeErrorClass.VmNotConnected,
        `VM "${this.#options.vmId}" is not connected (${why})`,
        503,
      );
    }
    return client.execute(command, args, oob ? { timeoutMs, oob } : { timeoutMs });
  }

  #changed(state: ReconnectingState, detail: ReconnectingStateDetail): void {
    if (state === 'connected' && detail.client) {
      const { qemu, package: pkg } = detail.client.greeting.version;
      this.#qemu = { major: qemu.major, minor: qemu.minor, micro: qemu.micro, package: pkg };
      this.#log.connected(this.#address, this.#qemu);
      this.#wasConnected = true;
      this.#connections++;
      this.#options.record({ event: 'BRIDGE_CONNECTED', data: { qemu: this.#qemu } });
      this.#setState('connected', null);
      this.#options.onConnected();
    } else if (state === 'disconnected') {
      const error = this.#stillHeld(detail.error);
      if (this.#wasConnected) void this.#lost(error ?? null);
      else this.#attemptFailed(error ?? null);
    } else if (state === 'connecting') {
      this.#log.connecting(this.#address);
      // While retrying, keep showing why the last attempt failed rather than flickering.
      if (this.#state !== 'disconnected' && this.#state !== 'busy') this.#setState('connecting', null);
    }
  }

  /**
   * An established connection ended without the bridge asking. Recorded at once; what it means (QEMU exited, or a
   * link to retry) is shown once known, so a managed VM going down never reads "disconnected" in between.
   */
  async #lost(error: QmpClientError | null): Promise<void> {
    const qmp = this.#qmp;
    const connection = this.#connections;
    this.#ended(error);
    this.#judgingLoss = true;
    const qemuEnded = await this.#options.endedWithQemu?.();
    this.#judgingLoss = false;
    // Meanwhile the link may have been closed, or have connected again (QEMU did not exit): nothing to add then.
    if (this.#qmp !== qmp || this.#connections !== connection) return;
    if (qemuEnded) {
      // QEMU is gone, not unreachable: stop knocking on its socket.
      this.#qmp = null;
      this.#setState('disconnected', null);
      await qmp?.stop();
      return;
    }
    this.#log.lost(error);
    this.#setState('disconnected', `${error?.desc ?? 'QEMU closed the connection'}; retrying`);
  }

  #attemptFailed(error: QmpClientError | null): void {
    if (error === null) return;
    const busy = error.class === 'MonitorBusy';
    if (busy && this.#state !== 'busy')
      this.#options.record({ event: 'BRIDGE_BUSY', data: { desc: error.desc } });
    if (this.#judgingLoss || this.#options.expectedFailure?.(error) === true) {
      this.#log.attemptExpected(error);
      return;
    }
    this.#log.attemptFailed(error);
    this.#setState(busy ? 'busy' : 'disconnected', `${error.desc}; retrying`);
  }

  /** The connection that was up is over: recorded once, whoever ended it. */
  #ended(error: QmpClientError | null): void {
    if (!this.#wasConnected) return;
    this.#wasConnected = false;
    this.#options.record({
      event: 'BRIDGE_DISCONNECTED',
      data: error ? { class: error.class, desc: error.desc } : undefined,
    });
  }

  /** After `busy`, a TCP connect that times out is the same held monitor (its backlog full), not a VM gone away. */
  #stillHeld(error: QmpClientError | undefined): QmpClientError | undefined {
    if (this.#state !== 'busy' || !(error instanceof QmpConnectError) || error.code !== 'ETIMEDOUT')
      return error;
    return new QmpBusyError(`${error.desc}: its connection queue is full, another client holds the monitor`);
  }

  #setState(state: LinkState, message: string | null): void {
    if (state === this.#state && message === this.#message) return;
    this.#state = state;
    this.#message = message;
    this.#options.onChange();
  }
}
