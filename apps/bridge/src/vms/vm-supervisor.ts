/**
 * One VM, composed of its parts: the QMP link (connection and busy detection), the run state, the event recorder
 * (cause, store, publish), the commands in flight, the guest agent link, its consoles (display and serial ports)
 * and, for a managed VM, its QEMU process.
 * The supervisor wires them together and says what the VM is (`snapshot()`); each part holds one concept.
 */
import { join } from 'node:path';
import type {
  Connection,
  EventRecord,
  InflightCommand,
  QemuVersion,
  QmpProxyEndpoint,
  RunState,
  Vm,
  VmUsage,
} from '@qmpdeck/protocol';
import { BridgeErrorClass, BridgeEventName } from '@qmpdeck/protocol';
import { isQmpEvent, type QmpAddress, type QmpClientError, type QmpEvent } from '@qmpdeck/qmp';
import { BridgeError } from '../bridge-error.ts';
import { InflightCommands } from '../commands/inflight-commands.ts';
import type { LaunchConfig, SerialConfig, VncConfig } from '../config/schema.ts';
import { VmConsoles } from '../consoles/vm-consoles.ts';
import { type EventStore, isNews } from '../events/event-store.ts';
import { AGENT_SOCKET_NAME, withAgentChannel } from '../guest/agent-channel.ts';
import { GuestLink } from '../guest/guest-link.ts';
import { configLauncher, type Launcher } from '../launch/launcher.ts';
import { ManagedProcess, type ProcessChange } from '../launch/managed-process.ts';
import { defaultRuntimeRoot, vmRuntimeDir } from '../launch/runtime-dir.ts';
import { DEFAULT_STOP_TIMEOUT_MS, stopInSteps } from '../launch/stop-escalation.ts';
import type { Logger } from '../log.ts';
import { EventRecorder } from './event-recorder.ts';
import { LatestEventPush } from './latest-event-push.ts';
import { QmpLink } from './qmp-link.ts';
import { QmpTap } from './qmp-tap.ts';
import { annotateStatusBefore, RunStateTracker } from './run-state.ts';

/** How long after a managed QEMU's QMP connection ends its process may take to be seen exiting. */
const EXIT_AFTER_LINK_LOSS_MS = 1000;
/** While a managed QEMU starts, its socket does not exist yet (or does not listen): expected, for this long. */
const SOCKET_APPEARS_WITHIN_MS = 10_000;

export interface VmSupervisorOptions {
  id: string;
  name?: string | undefined;
  origin: 'config' | 'discovered' | 'defined';
  /** Where QMP listens; absent for managed VMs, whose socket the bridge creates. */
  address?: QmpAddress | undefined;
  launch?: LaunchConfig | undefined;
  /** Instead of `launch`: what a VM the bridge defined runs (its definition's argv, planned at each start). */
  launcher?: Launcher | undefined;
  /** A managed VM's QEMU starts with the bridge unless it runs already; default `launch.autostart`, else true. */
  autostart?: boolean | undefined;
  /** At bridge stop: stop the QEMU (SIGTERM, then SIGKILL) and remove its runtime dir, instead of leaving it running. */
  stopProcessOnExit?: boolean | undefined;
  /** The guest agent's socket; managed VMs without one get a channel in their runtime dir. */
  qga?: { socket: string } | false | undefined;
  /** The root of managed VMs' runtime directories (`<root>/vms/<id>`); default per user (runtime-dir.ts). */
  runtimeBase?: string | undefined;
  /** The VM's VNC display and serial ports when the config names them (else QEMU is asked). */
  vnc?: VncConfig | undefined;
  serial?: SerialConfig | undefined;
  /** Where its serial ports' logs go. */
  serialLogDir: string;
  store: EventStore;
  log: Logger;
  /** Reconnect backoff cap; short in tests. */
  maxRetryDelayMs?: number | undefined;
  greetingTimeoutMs?: number | undefined;
  connectTimeoutMs?: number | undefined;
  /** At most one `vm` push per this many ms when only `latestEvent` changed. */
  latestEventPushMs?: number | undefined;
  onVm: (vm: Vm) => void;
  onEvent: (record: EventRecord) => void;
  onInflight: (vm: string, commands: InflightCommand[]) => void;
}

/** QMP commands of a stop: answered at once by a QEMU that is not hung; one that is goes on to the next step. */
const STOP_COMMAND_TIMEOUT_MS = 2000;

export class VmSupervisor {
  readonly id: string;
  readonly inflight: InflightCommands;
  readonly recorder: EventRecorder;
  readonly qmp: QmpLink;
  readonly runState: RunStateTracker;
  readonly process: ManagedProcess | null;
  readonly guest: GuestLink | null;
  /** New QMP connections and QEMU's own events, for the QMP proxy. */
  readonly qmpTap = new QmpTap();
  readonly consoles: VmConsoles;
  readonly #latestPush: LatestEventPush;
  #qmpProxy: QmpProxyEndpoint | null = null;
  #gone = false;
  #lastPushed = '';
  #name: string;
  #autostart: boolean;
  /** Why the VM may not start now (its disks being copied), or null. */
  #held: string | null = null;
  /** Its state is saved in a file (Hibernate) and Start restores it. */
  #hibernated = false;
  /** Called after every change of the link or the process (see #settled). */
  readonly #changeWaiters = new Set<() => void>();
  /** Who follows QEMU's events as they come (the jobs of this VM). */
  readonly #eventListeners = new Set<(event: QmpEvent) => void>();
  /** The latest usage sample (metrics/usage-sampler.ts); null while not sampled. */
  #usage: VmUsage | null = null;

  constructor(readonly options: VmSupervisorOptions) {
    this.id = options.id;
    this.#name = options.name ?? options.id;
    this.#autostart = options.autostart ?? options.launch?.autostart !== false;
    const { log } = options;
    this.inflight = new InflightCommands(this.id, (commands) => options.onInflight(this.id, commands));
    this.#latestPush = new LatestEventPush(options.latestEventPushMs, () => this.#push());
    this.recorder = new EventRecorder({
      vmId: this.id,
      store: options.store,
      commands: this.inflight,
      log,
      onRecord: (record) => {
        options.onEvent(record);
        if (isNews(record.event)) this.#latestPush.changed();
      },
    });
    const launcher =
      options.launcher ??
      (options.launch
        ? configLauncher(options.qga === undefined ? withAgentChannel(options.launch) : options.launch)
        : null);
    this.process = launcher
      ? new ManagedProcess({
          vmId: this.id,
          dir: vmRuntimeDir(options.runtimeBase ?? defaultRuntimeRoot(), this.id),
          launcher,
          log,
          onChange: (change) => this.#processChanged(change),
        })
      : null;
    this.qmp = new QmpLink({
      vmId: this.id,
      log,
      record: this.recorder.recordBridgeEvent,
      onChange: () => this.#linkChanged(),
      onConnected: () => {
        this.runState.refresh();
        const client = this.qmp.client;
        if (client) {
          this.qmpTap.connected(client);
          void this.consoles.discover(client);
        }
      },
      onEvent: (event) => this.#qmpEvent(event),
      maxRetryDelayMs: options.maxRetryDelayMs,
      greetingTimeoutMs: options.greetingTimeoutMs,
      connectTimeoutMs: options.connectTimeoutMs,
      ...(this.process ? this.#managedLink(this.process) : {}),
    });
    this.runState = new RunStateTracker({
      vmId: this.id,
      log,
      client: () => this.qmp.client,
      onChange: () => this.pushIfChanged(),
    });
    this.guest = this.#guestLink();
    this.consoles = new VmConsoles({
      vmId: this.id,
      log,
      vnc: options.vnc,
      serial: options.serial,
      ownSockets: () => this.#ownSockets(),
      logDir: options.serialLogDir,
      onChange: () => this.pushIfChanged(),
      maxRetryMs: options.maxRetryDelayMs,
    });
  }

  get name(): string {
    return this.#name;
  }

  /** A definition's new name (or autostart): shown at once. */
  describe(change: { name?: string; autostart?: boolean }): void {
    if (change.name !== undefined) this.#name = change.name;
    if (change.autostart !== undefined) this.#autostart = change.autostart;
    this.pushIfChanged();
  }

  get hibernated(): boolean {
    return this.#hibernated;
  }

  /** Hibernate saved its state (true), or Start restored it (false). */
  markHibernated(hibernated: boolean): void {
    this.#hibernated = hibernated;
    this.pushIfChanged();
  }

  /** Why the VM may not start now (its disks being copied), or null. */
  get held(): string | null {
    return this.#held;
  }

  /** While held (a clone's disks being copied), the VM says why and may not start; null lets it go. */
  hold(why: string | null): void {
    this.#held = why;
    this.pushIfChanged();
  }

  get connection(): Connection {
    if (this.#gone) return 'gone';
    if (this.process && !this.process.running) return 'stopped';
    return this.qmp.state;
  }

  get status(): RunState | null {
    return this.connection === 'connected' ? this.runState.status : null;
  }

  get qemu(): QemuVersion | null {
    return this.qmp.qemu;
  }

  /** Why the VM is not connected, in words for people; null when it is. */
  get message(): string | null {
    const connection = this.connection;
    if (connection === 'gone') return 'the QMP socket disappeared';
    if (connection === 'stopped')
      return this.#held ?? this.process?.message ?? 'QEMU is not running; start it to use the VM';
    return this.qmp.message;
  }

  snapshot(): Vm {
    const latest = this.options.store.latestNews(this.id);
    return {
      id: this.id,
      name: this.name,
      connection: this.connection,
      status: this.status,
      qemu: this.qemu,
      message: this.message,
      managed: this.process !== null,
      process: this.process ? { ...this.process.info } : null,
      origin: this.options.origin,
      guest: this.guest ? this.guest.info : null,
      latestEvent: latest ? { seq: latest.seq, event: latest.event, timestamp: latest.timestamp } : null,
      qmpProxy: this.#qmpProxy,
      usage: this.#usage,
      consoles: this.consoles.info,
      ...(this.options.origin === 'defined' ? { autostart: this.#autostart } : {}),
      ...(this.#hibernated ? { hibernated: true } : {}),
    };
  }

  /** Where the bridge serves QMP for this VM (the QMP proxy sets it once listening; null when off). */
  setQmpProxy(endpoint: QmpProxyEndpoint | null): void {
    this.#qmpProxy = endpoint;
    this.pushIfChanged();
  }

  /** A new usage sample (or none): pushed throttled, as a change of `latestEvent` is, not at once. */
  setUsage(usage: VmUsage | null): void {
    if (usage === null && this.#usage === null) return;
    this.#usage = usage;
    this.#latestPush.changed();
  }

  /**
   * At bridge start (or when discovered): a managed VM whose QEMU still runs (launched by an earlier bridge) is
   * taken back; otherwise it launches QEMU if it autostarts. Others connect.
   */
  async start(): Promise<void> {
    this.guest?.start();
    this.consoles.start();
    if (this.process) {
      if (this.process.reattach()) this.qmp.connect({ path: this.process.socketPath });
      // A hibernated VM waits for Start (restore): booting it afresh would throw its saved session away.
      else if (this.#autostart && !this.#hibernated) await this.startProcess();
      else this.pushIfChanged();
    } else {
      this.qmp.connect(this.options.address as QmpAddress);
    }
  }

  /** A managed VM added while the bridge runs (defined, cloned): its guest link watches; QEMU is not started. */
  watch(): void {
    this.guest?.start();
    this.pushIfChanged();
  }

  /**
   * Managed VMs only (the `vm.start` action): launches QEMU (no-op when it runs) and connects to its socket.
   * Resolves once QMP answers or QEMU has ended (a bad argument, a missing file: QEMU's words are then in
   * `message`), or after SOCKET_APPEARS_WITHIN_MS.
   */
  async startProcess(extraArgs: readonly string[] = []): Promise<void> {
    const process = this.#requireManaged();
    if (process.running) return;
    if (this.#held !== null) throw new BridgeError(BridgeErrorClass.Conflict, this.#held, 409);
    await process.start(extraArgs);
    if (!process.running) return;
    this.qmp.connect({ path: process.socketPath });
    await this.#settled(() => this.qmp.state === 'connected' || !process.running, SOCKET_APPEARS_WITHIN_MS);
  }

  /**
   * Managed VMs only (the `vm.stop` action): the ACPI power button, then after `timeoutMs` QEMU's `quit`, then
   * SIGKILL; each step past the first is a BRIDGE_STOP_ESCALATED event. Resolves once QEMU is gone.
   */
  async stopProcess(timeoutMs = DEFAULT_STOP_TIMEOUT_MS): Promise<void> {
    const process = this.#requireManaged();
    if (!process.running) return;
    await stopInSteps(
      {
        guestRunning: this.status === 'running',
        powerdown: () => this.qmp.execute('system_powerdown', undefined, STOP_COMMAND_TIMEOUT_MS),
        quit: () => this.qmp.execute('quit', undefined, STOP_COMMAND_TIMEOUT_MS),
        kill: () => process.kill('SIGKILL'),
        exitedWithin: (ms) => process.exitedWithin(ms),
        escalated: (step, afterMs, why) =>
          this.recorder.recordBridgeEvent({
            event: BridgeEventName.StopEscalated,
            data: { step, afterMs, why },
          }),
      },
      timeoutMs,
    );
  }

  /** Managed VMs only (the `vm.kill` action): SIGKILL, as a person pulling the plug. */
  async killProcess(): Promise<void> {
    await this.#requireManaged().kill('SIGKILL');
  }

  /** Calls `listener` with each QMP event of this VM (after it is recorded); answers how to stop. */
  onQmpEvent(listener: (event: QmpEvent) => void): () => void {
    this.#eventListeners.add(listener);
    return () => this.#eventListeners.delete(listener);
  }

  /** The pipeline's QMP route; `oob` sends it out-of-band (`exec-oob`). */
  executeQmp(
    command: string,
    args: Record<string, unknown> | undefined,
    timeoutMs: number,
    oob = false,
  ): Promise<unknown> {
    return this.qmp.execute(command, args, timeoutMs, oob);
  }

  /** The pipeline's guest route: the agent's errors keep their class, silence is GuestAgentUnavailable. */
  async executeGuest(
    command: string,
    args: Record<string, unknown> | undefined,
    timeoutMs: number,
  ): Promise<unknown> {
    return this.#requireGuest().execute(command, args, timeoutMs);
  }

  /** How long a guest agent command may take (its own default unless the call says). */
  guestTimeoutFor(command: string, perCall: number | undefined): number {
    return this.guest?.timeoutFor(command, perCall) ?? perCall ?? 0;
  }

  async stop(): Promise<void> {
    this.#latestPush.cancel();
    if (this.guest) await this.guest.stop();
    await this.consoles.stop();
    await this.qmp.disconnect('bridge');
    if (!this.process) return;
    if (this.options.stopProcessOnExit === true) await this.process.stop();
    else this.process.detach();
  }

  /** Discovery: the socket disappeared. The VM stays listed as `gone` until it comes back. */
  async markGone(): Promise<void> {
    this.#gone = true;
    await this.qmp.disconnect('bridge');
    this.pushIfChanged();
  }

  /** Discovery: the socket is back. */
  revive(): void {
    if (!this.options.address || this.qmp.active) return;
    this.#gone = false;
    this.qmp.connect(this.options.address);
  }

  /** Pushes the VM object when anything but `latestEvent` and `usage` changed (those are throttled: LatestEventPush). */
  pushIfChanged(): void {
    const { latestEvent: _, usage: __, ...identity } = this.snapshot();
    if (JSON.stringify(identity) === this.#lastPushed) return;
    this.#push();
  }

  #push(): void {
    const vm = this.snapshot();
    const { latestEvent: _, usage: __, ...identity } = vm;
    this.#lastPushed = JSON.stringify(identity);
    this.#latestPush.pushed();
    this.options.onVm(vm);
  }

  /** Resolves once `done()` holds (looked at after every change of the VM), or after `ms`. */
  #settled(done: () => boolean, ms: number): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.#changeWaiters.delete(check);
        resolve();
      };
      const check = () => {
        if (done()) finish();
      };
      const timer = setTimeout(finish, ms);
      this.#changeWaiters.add(check);
    });
  }

  #requireManaged(): ManagedProcess {
    if (!this.process) {
      throw new BridgeError(
        BridgeErrorClass.NotManaged,
        `VM "${this.id}" is not launched by the bridge`,
        409,
      );
    }
    return this.process;
  }

  #requireGuest(): GuestLink {
    if (!this.guest) {
      throw new BridgeError(
        BridgeErrorClass.GuestAgentUnavailable,
        `VM "${this.id}" has no guest agent channel (config "qga")`,
        503,
      );
    }
    return this.guest;
  }

  /** What a managed VM's link needs to know about its process: an exit is no link problem, nor a missing socket at start. */
  #managedLink(process: ManagedProcess) {
    return {
      endedWithQemu: () => process.exitedWithin(EXIT_AFTER_LINK_LOSS_MS),
      expectedFailure: (error: QmpClientError) =>
        process.running &&
        Date.now() - process.startedAt < SOCKET_APPEARS_WITHIN_MS &&
        ['ENOENT', 'ECONNREFUSED'].includes((error as { code?: string }).code ?? ''),
    };
  }

  /** The sockets the bridge itself uses for this VM (QMP, guest agent): never offered as a console. */
  #ownSockets(): string[] {
    const { address, qga } = this.options;
    const sockets: string[] = [];
    if (address && 'path' in address) sockets.push(address.path);
    if (this.process) sockets.push(this.process.socketPath, join(this.process.dir, AGENT_SOCKET_NAME));
    if (qga) sockets.push(qga.socket);
    return sockets;
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
      onChange: () => this.pushIfChanged(),
      onAgentState: (agent, detail) =>
        this.recorder.recordBridgeEvent({
          event: agent === 'connected' ? 'BRIDGE_GUEST_AGENT_CONNECTED' : 'BRIDGE_GUEST_AGENT_UNAVAILABLE',
          data: detail.desc === undefined ? undefined : { desc: detail.desc },
        }),
    });
  }

  #linkChanged(): void {
    if (this.qmp.state !== 'connected') this.runState.clear();
    this.pushIfChanged();
    for (const check of this.#changeWaiters) check();
  }

  #qmpEvent(event: QmpEvent): void {
    this.qmpTap.event(event);
    this.recorder.record({
      event: event.event,
      data: annotateStatusBefore(event.event, event.data, this.runState.status),
      timestamp: event.timestamp,
      source: 'qemu',
    });
    this.runState.eventSeen(event.event);
    // A reset or shutdown takes the agent down with the guest (and its last words with it); after a pause it
    // answers again: ask at once.
    if (isQmpEvent(event, 'RESET')) this.guest?.agentGone('the guest restarted');
    else if (isQmpEvent(event, 'SHUTDOWN')) this.guest?.agentGone('the guest shut down');
    else if (isQmpEvent(event, 'RESUME')) this.guest?.refreshSoon();
    for (const listener of this.#eventListeners) listener(event);
  }

  #processChanged(change: ProcessChange): void {
    const { info } = change;
    if (info.state === 'running') {
      this.recorder.recordBridgeEvent({
        event: change.reattached ? BridgeEventName.Reattached : BridgeEventName.ProcessStarted,
        data: { pid: info.pid },
      });
      this.guest?.refreshSoon();
    } else if (info.state === 'exited') {
      this.recorder.recordBridgeEvent({
        event: 'BRIDGE_PROCESS_EXITED',
        data: { exitCode: info.exitCode, signal: info.signal },
      });
      // The sockets died with the process: say so now, and stop knocking until someone starts it again.
      this.guest?.agentGone('QEMU exited');
      this.runState.clear();
      void this.qmp.disconnect('qemu-exited');
    }
    this.pushIfChanged();
    for (const check of this.#changeWaiters) check();
  }
}
