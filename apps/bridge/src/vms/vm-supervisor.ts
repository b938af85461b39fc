/**
 * One VM: its QMP connection (reconnecting with backoff), its run state kept
 * true by re-querying after run-state events, its commands in flight, and, for
 * a managed VM, its QEMU process. Everything a client sees of a VM comes from
 * `snapshot()`; every change is reported through the callbacks.
 */
import { join } from 'node:path';
import type {
  Actor,
  Connection,
  EventRecord,
  InflightCommand,
  QemuVersion,
  RunState,
  Vm,
} from '@qmpdeck/protocol';
import {
  type QmpAddress,
  QmpBusyError,
  type QmpClientError,
  QmpConnectError,
  type QmpEvent,
  ReconnectingQmpClient,
  type ReconnectingState,
  type ReconnectingStateDetail,
} from '@qmpdeck/qmp';
import { ApiError } from '../api-error.ts';
import type { LaunchConfig, TimeoutsConfig } from '../config/schema.ts';
import type { EventStore, NewEvent } from '../events/event-store.ts';
import { AGENT_SOCKET_NAME, withAgentChannel } from '../guest/agent-channel.ts';
import { GuestLink } from '../guest/guest-link.ts';
import { ManagedProcess, type ProcessChange } from '../launch/managed-process.ts';
import type { Logger } from '../log.ts';
import { findCause } from './cause.ts';
import { InflightTracker } from './inflight.ts';
import { LinkLog } from './link-log.ts';
import { RUN_STATE_EVENTS } from './run-state-events.ts';
import { timeoutFor } from './timeouts.ts';

export interface VmSupervisorOptions {
  id: string;
  name?: string | undefined;
  origin: 'config' | 'discovered';
  /** Where QMP listens; absent for managed VMs, whose socket the bridge creates. */
  address?: QmpAddress | undefined;
  launch?: LaunchConfig | undefined;
  /** The guest agent's socket; managed VMs without one get a channel in their runtime dir. */
  qga?: { socket: string } | false | undefined;
  runtimeBase?: string | undefined;
  store: EventStore;
  timeouts?: TimeoutsConfig | undefined;
  log: Logger;
  /** Reconnect backoff cap; short in tests. */
  maxRetryDelayMs?: number | undefined;
  greetingTimeoutMs?: number | undefined;
  connectTimeoutMs?: number | undefined;
  onVm: (vm: Vm) => void;
  onEvent: (record: EventRecord) => void;
  onInflight: (vm: string, commands: InflightCommand[]) => void;
}

export interface ExecuteContext {
  actor: Actor;
  /** The client's own command id, named in `cause`. */
  id?: string | undefined;
  timeoutMs?: number | undefined;
}

export class VmSupervisor {
  readonly id: string;
  readonly name: string;
  readonly process: ManagedProcess | null;
  readonly inflight: InflightTracker;
  readonly guest: GuestLink | null;
  #connection: Connection = 'connecting';
  #status: RunState | null = null;
  #qemu: QemuVersion | null = null;
  #message: string | null = null;
  #qmp: ReconnectingQmpClient | null = null;
  #wasConnected = false;
  #statusQuery: Promise<void> | null = null;
  #statusQueryAgain = false;
  #lastPushed = '';
  #stopped = false;
  /** Where the live (or last) QMP connection goes, for the log. */
  #address = '';
  readonly #linkLog: LinkLog;

  constructor(readonly options: VmSupervisorOptions) {
    this.id = options.id;
    this.name = options.name ?? options.id;
    this.inflight = new InflightTracker(this.id, (commands) => options.onInflight(this.id, commands));
    this.process = options.launch
      ? new ManagedProcess(
          this.id,
          options.qga === undefined ? withAgentChannel(options.launch) : options.launch,
          options.log,
          (change) => this.#processChanged(change),
          options.runtimeBase,
        )
      : null;
    this.guest = this.#guestLink();
    this.#linkLog = new LinkLog(options.log, this.id);
  }

  #guestLink(): GuestLink | null {
    const { qga } = this.options;
    if (qga === false) return null;
    const socketPath = qga?.socket ?? (this.process ? join(this.process.dir, AGENT_SOCKET_NAME) : null);
    if (socketPath === null) return null;
    return new GuestLink({
      vmId: this.id,
      socketPath,
      log: this.options.log,
      onChange: () => this.#pushIfChanged(),
      onAgentState: (agent, detail) =>
        this.#record({
          event: agent === 'connected' ? 'BRIDGE_GUEST_AGENT_CONNECTED' : 'BRIDGE_GUEST_AGENT_UNAVAILABLE',
          data: detail.desc === undefined ? undefined : { desc: detail.desc },
          source: 'bridge',
        }),
    });
  }

  get connection(): Connection {
    return this.#connection;
  }

  get status(): RunState | null {
    return this.#status;
  }

  get qemu(): QemuVersion | null {
    return this.#qemu;
  }

  snapshot(): Vm {
    const latest = this.options.store.latest(this.id);
    return {
      id: this.id,
      name: this.name,
      connection: this.#connection,
      status: this.#status,
      qemu: this.#qemu,
      message: this.#message,
      managed: this.process !== null,
      process: this.process ? { ...this.process.info } : null,
      origin: this.options.origin,
      guest: this.guest ? this.guest.info : null,
      latestEvent: latest ? { seq: latest.seq, event: latest.event, timestamp: latest.timestamp } : null,
    };
  }

  async start(): Promise<void> {
    this.#stopped = false;
    this.guest?.start();
    if (this.process) await this.startProcess();
    else this.#connect(this.options.address as QmpAddress);
  }

  /** Managed VMs only: launches QEMU (no-op when it runs) and connects to its socket. */
  async startProcess(): Promise<void> {
    const process = this.#requireManaged();
    if (process.running) return;
    await process.start();
    if (process.running) this.#connect({ path: process.socketPath });
  }

  /** Managed VMs only: SIGKILL, as a person pulling the plug. */
  async killProcess(): Promise<void> {
    await this.#requireManaged().kill('SIGKILL');
  }

  /** First step of shutdown: new commands get `ShuttingDown` while those in flight are still answered. */
  refuseNewCommands(): void {
    this.#stopped = true;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.guest) await this.guest.stop();
    await this.#disconnect();
    if (this.process) await this.process.stop();
  }

  /** Discovery: the socket disappeared. The VM stays listed as `gone` until it comes back. */
  async markGone(): Promise<void> {
    this.#connection = 'gone';
    await this.#disconnect();
    this.#setConnection('gone', 'the QMP socket disappeared');
  }

  /** Discovery: the socket is back. */
  revive(): void {
    if (this.#qmp === null && this.options.address) this.#connect(this.options.address);
  }

  async execute(
    command: string,
    args: Record<string, unknown> | undefined,
    context: ExecuteContext,
  ): Promise<unknown> {
    const client = this.#qmp?.client;
    if (this.#stopped) throw new ApiError('ShuttingDown', 'the bridge is shutting down', 503);
    if (!client || this.#connection !== 'connected') {
      throw new ApiError('VmNotConnected', `VM "${this.id}" is not connected (${this.#connection})`, 503);
    }
    const timeoutMs = timeoutFor(command, this.options.timeouts, context.timeoutMs);
    const entry = this.inflight.begin(command, args, context.actor, context.id, timeoutMs);
    this.#audit(command, context.actor);
    try {
      return await client.execute(command, args, { timeoutMs });
    } finally {
      this.inflight.complete(entry);
    }
  }

  /** Who did what to which VM, for operators. Arguments stay out: some carry passwords (set_password, secrets). */
  #audit(command: string, actor: Actor): void {
    const level = command.startsWith('query-') ? 'debug' : 'info';
    this.options.log[level](
      {
        vm: this.id,
        command,
        client: actor.client,
        user: actor.user,
        origin: actor.origin,
        remote: actor.remote,
      },
      'command',
    );
  }

  /** One guest agent command (`guest-*`); the agent's errors keep their class, silence is GuestAgentUnavailable. */
  async executeGuest(
    command: string,
    args: Record<string, unknown> | undefined,
    timeoutMs?: number,
  ): Promise<unknown> {
    if (this.#stopped) throw new ApiError('ShuttingDown', 'the bridge is shutting down', 503);
    if (!this.guest) {
      throw new ApiError(
        'GuestAgentUnavailable',
        `VM "${this.id}" has no guest agent channel (config "qga")`,
        503,
      );
    }
    return this.guest.execute(command, args, timeoutMs);
  }

  /** Resolves once no command is in flight, or after `limitMs`. */
  async drain(limitMs: number): Promise<void> {
    const until = Date.now() + limitMs;
    while (this.inflight.size > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  }

  #requireManaged(): ManagedProcess {
    if (!this.process) throw new ApiError('NotManaged', `VM "${this.id}" is not launched by the bridge`, 409);
    return this.process;
  }

  #connect(address: QmpAddress): void {
    if (this.#qmp) return;
    this.#address = 'path' in address ? address.path : `${address.host}:${address.port}`;
    const qmp = new ReconnectingQmpClient(address, {
      minDelayMs: 100,
      maxDelayMs: this.options.maxRetryDelayMs ?? 2000,
      greetingTimeoutMs: this.options.greetingTimeoutMs ?? 3000,
      ...(this.options.connectTimeoutMs === undefined
        ? {}
        : { connectTimeoutMs: this.options.connectTimeoutMs }),
      onStateChange: (state, detail) => {
        if (this.#qmp === qmp) this.#linkChanged(state, detail);
      },
    });
    qmp.on('event', (event) => {
      if (this.#qmp === qmp) this.#qmpEvent(event);
    });
    this.#qmp = qmp;
    qmp.start();
  }

  async #disconnect(): Promise<void> {
    const qmp = this.#qmp;
    if (!qmp) return;
    this.#qmp = null;
    await qmp.stop();
    if (this.#wasConnected) this.#linkLog.closedByBridge();
    this.#lostLink(null);
  }

  #linkChanged(state: ReconnectingState, detail: ReconnectingStateDetail): void {
    if (state === 'connected' && detail.client) {
      const { qemu, package: pkg } = detail.client.greeting.version;
      this.#qemu = { major: qemu.major, minor: qemu.minor, micro: qemu.micro, package: pkg };
      this.#linkLog.connected(this.#address, this.#qemu);
      this.#wasConnected = true;
      this.#record({ event: 'BRIDGE_CONNECTED', data: { qemu: this.#qemu }, source: 'bridge' });
      this.#setConnection('connected', null);
      this.#refreshStatus();
    } else if (state === 'disconnected') {
      const error = this.#stillHeld(detail.error);
      if (this.#wasConnected) this.#linkLog.lost(error ?? null);
      else if (error) this.#linkLog.attemptFailed(error);
      this.#lostLink(error ?? null);
    } else if (state === 'connecting') {
      this.#linkLog.connecting(this.#address);
      // While retrying, keep showing why the last attempt failed rather than flickering.
      if (this.#connection !== 'disconnected' && this.#connection !== 'busy')
        this.#setConnection('connecting', null);
    }
  }

  /**
   * While another client holds the monitor QEMU accepts nothing, so our abandoned attempts fill its listen backlog
   * and a TCP connect then times out (on a unix socket it fails with EAGAIN, which the client already calls busy).
   * After `busy`, that timeout is the same held monitor, not a VM gone away.
   */
  #stillHeld(error: QmpClientError | undefined): QmpClientError | undefined {
    if (this.#connection !== 'busy' || !(error instanceof QmpConnectError) || error.code !== 'ETIMEDOUT')
      return error;
    return new QmpBusyError(`${error.desc}: its connection queue is full, another client holds the monitor`);
  }

  #lostLink(error: QmpClientError | null): void {
    const busy = error?.class === 'MonitorBusy';
    if (this.#wasConnected) {
      this.#wasConnected = false;
      this.#record({
        event: 'BRIDGE_DISCONNECTED',
        data: error ? { class: error.class, desc: error.desc } : undefined,
        source: 'bridge',
      });
    } else if (busy && this.#connection !== 'busy') {
      this.#record({ event: 'BRIDGE_BUSY', data: { desc: error.desc }, source: 'bridge' });
    }
    this.#status = null;
    if (this.#connection === 'gone') return;
    this.#setConnection(busy ? 'busy' : 'disconnected', this.#describeLoss(error));
  }

  #describeLoss(error: QmpClientError | null): string {
    if (this.process && !this.process.running) return this.process.message ?? 'QEMU is not running';
    if (!error) return 'not connected';
    if (error.class === 'MonitorBusy') return `${error.desc}; retrying`;
    return `${error.desc}; retrying`;
  }

  #qmpEvent(event: QmpEvent): void {
    this.#record({
      event: event.event,
      data: event.data,
      timestamp: event.timestamp,
      source: 'qemu',
      cause: findCause(this.inflight),
    });
    if (RUN_STATE_EVENTS.has(event.event)) this.#refreshStatus();
    // A reset or shutdown takes the agent down with the guest; after a pause it answers again: ask at once.
    if (event.event === 'RESET') this.guest?.agentGone('the guest restarted');
    else if (event.event === 'SHUTDOWN') this.guest?.agentGone('the guest shut down');
    else if (event.event === 'RESUME') this.guest?.refreshSoon();
  }

  /** Asks query-status; overlapping requests collapse into one more round. */
  #refreshStatus(): void {
    if (this.#statusQuery) {
      this.#statusQueryAgain = true;
      return;
    }
    this.#statusQuery = this.#queryStatusUntilSettled().finally(() => {
      this.#statusQuery = null;
    });
  }

  async #queryStatusUntilSettled(): Promise<void> {
    do {
      this.#statusQueryAgain = false;
      const client = this.#qmp?.client;
      if (!client) return;
      try {
        const result = await client.execute('query-status', undefined, { timeoutMs: 5000 });
        if (this.#qmp?.client === client) this.#setStatus(result.status);
      } catch (err) {
        this.options.log.debug({ vm: this.id, err }, 'query-status failed');
      }
    } while (this.#statusQueryAgain);
  }

  #processChanged(change: ProcessChange): void {
    if (change.info.state === 'running') {
      this.#record({ event: 'BRIDGE_PROCESS_STARTED', data: { pid: change.info.pid }, source: 'bridge' });
      this.guest?.refreshSoon();
    } else if (change.info.state === 'exited') {
      this.#record({
        event: 'BRIDGE_PROCESS_EXITED',
        data: { exitCode: change.info.exitCode, signal: change.info.signal },
        source: 'bridge',
      });
      // The socket died with the process: say so now, and stop retrying until someone starts it again.
      this.guest?.agentGone('QEMU exited');
      this.#status = null;
      this.#setConnection('disconnected', change.message);
      void this.#disconnect();
      return;
    } else if (change.info.state === 'failed') {
      this.#setConnection('disconnected', change.message);
      return;
    }
    this.#pushIfChanged();
  }

  #record(event: Omit<NewEvent, 'timestamp'> & { timestamp?: NewEvent['timestamp'] }): void {
    let record: EventRecord;
    try {
      record = this.options.store.append(this.id, { ...event, timestamp: event.timestamp ?? nowTimestamp() });
    } catch (err) {
      // A full disk or a broken database must not take the VM's connection down with it; the event is lost, loudly.
      this.options.log.error({ vm: this.id, event: event.event, err }, 'could not store event');
      return;
    }
    this.options.onEvent(record);
  }

  #setConnection(connection: Connection, message: string | null): void {
    this.#connection = connection;
    this.#message = message;
    this.#pushIfChanged();
  }

  #setStatus(status: RunState | null): void {
    if (status !== this.#status) this.#linkLog.status(status);
    this.#status = status;
    this.#pushIfChanged();
  }

  #pushIfChanged(): void {
    const vm = this.snapshot();
    const { latestEvent: _, ...identity } = vm;
    const key = JSON.stringify(identity);
    if (key === this.#lastPushed) return;
    this.#lastPushed = key;
    this.options.onVm(vm);
  }
}

function nowTimestamp(): { seconds: number; microseconds: number } {
  const ms = Date.now();
  return { seconds: Math.floor(ms / 1000), microseconds: (ms % 1000) * 1000 };
}
