/**
 * One VM's link to its QEMU Guest Agent, beside (never in the way of) its QMP connection. It keeps `info`, the
 * VM object's `guest` field, true:
 *
 * - while the agent does not answer (guest booting, no agent, agent stopped, QEMU not running) the link probes
 *   with a fresh connection and a short sync, backing off; each probe reconnects so bytes queued for an absent
 *   agent are dropped with the old connection instead of piling up;
 * - when the agent answers, it reads hostname, OS and addresses at once, again a few times while the guest
 *   settles (DHCP finishes after the agent starts), then at a slow interval; a cheap `guest-ping` heartbeat in
 *   between notices an agent that went away within a few seconds;
 * - `refreshSoon()` (after RESET, RESUME, a process start) cuts every wait short, and probes stay frequent for a
 *   while (as after start), since a booting guest's agent is about to appear;
 * - while the agent is silent for a reason that leaves the guest as it was (the VM is paused, the agent stopped),
 *   the last hostname, OS and addresses stay, marked `stale`; a reset, a shutdown or QEMU exiting (`agentGone`)
 *   clears them, since the next boot may say otherwise.
 *
 * The agent answers one command at a time, and GuestAgentClient serialises calls, so a person's command and the
 * heartbeat simply take turns.
 */
import type { GuestInfo } from '@qmpdeck/protocol';
import { Backoff, GuestAgentClient, GuestAgentUnavailableError, QmpError } from '@qmpdeck/qmp';
import type { Logger } from '../log.ts';
import { addressesFrom, hostnameFrom, osFrom } from './guest-info.ts';

export interface GuestLinkTiming {
  /** How long a sync may take before the agent counts as unavailable. */
  syncTimeoutMs: number;
  /** Heartbeat (`guest-ping`) period while the agent answers. */
  heartbeatMs: number;
  pingTimeoutMs: number;
  /** Timeout of each info command (hostname, OS, interfaces). */
  infoTimeoutMs: number;
  /** Re-reads after the agent first answers, while the guest settles: delays from one read to the next. */
  settleDelaysMs: readonly number[];
  /** Full re-read period once settled. */
  refreshMs: number;
  /** Probe backoff while the agent does not answer. */
  probeMinMs: number;
  probeMaxMs: number;
  /** After start or refreshSoon(), probe without backing off for this long: a guest is (re)booting. */
  eagerProbeMs: number;
  /** Default timeout of a person's command. */
  commandTimeoutMs: number;
  /** How long to wait for an error from a command that succeeds by not answering (guest-shutdown). */
  noReplyGraceMs: number;
}

export const DEFAULT_GUEST_LINK_TIMING: GuestLinkTiming = {
  syncTimeoutMs: 800,
  heartbeatMs: 2000,
  pingTimeoutMs: 1000,
  infoTimeoutMs: 2000,
  settleDelaysMs: [1000, 2000, 4000, 8000],
  refreshMs: 30_000,
  probeMinMs: 200,
  probeMaxMs: 3000,
  eagerProbeMs: 30_000,
  commandTimeoutMs: 5000,
  noReplyGraceMs: 1500,
};

export interface GuestLinkOptions {
  vmId: string;
  /** The host end of the agent's virtio-serial chardev. */
  socketPath: string;
  log: Logger;
  /** Called with the new `guest` value whenever it changes. */
  onChange: (guest: GuestInfo) => void;
  /** Called when the agent starts or stops answering (not for the initial `unavailable`). */
  onAgentState?: (agent: GuestInfo['agent'], detail: { desc?: string }) => void;
  timing?: Partial<GuestLinkTiming>;
}

/** Commands whose success is the guest going away: the agent sends no reply (see guest-agent.md). */
const NO_REPLY_ON_SUCCESS = new Set([
  'guest-shutdown',
  'guest-suspend-disk',
  'guest-suspend-ram',
  'guest-suspend-hybrid',
]);

export class GuestLink {
  readonly #options: GuestLinkOptions;
  readonly #timing: GuestLinkTiming;
  #info: GuestInfo = { agent: 'unavailable' };
  #published = '';
  #client: GuestAgentClient | null = null;
  #stopped = true;
  #loop: Promise<void> | null = null;
  #wake: (() => void) | null = null;
  readonly #probeBackoff: Backoff;
  #nextReadAt = 0;
  #settleStep = 0;
  #eagerUntil = 0;

  constructor(options: GuestLinkOptions) {
    this.#options = options;
    this.#timing = { ...DEFAULT_GUEST_LINK_TIMING, ...options.timing };
    this.#probeBackoff = new Backoff({ minMs: this.#timing.probeMinMs, maxMs: this.#timing.probeMaxMs });
  }

  get info(): GuestInfo {
    return this.#info;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#eagerUntil = Date.now() + this.#timing.eagerProbeMs;
    this.#loop = this.#run().catch((err: unknown) => {
      this.#options.log.error({ vm: this.#options.vmId, err }, 'guest agent link stopped unexpectedly');
    });
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#wake?.();
    await this.#loop;
    this.#loop = null;
    await this.#dropClient();
  }

  /** Probe or re-read now: the guest just reset, resumed or started. */
  refreshSoon(): void {
    this.#probeBackoff.reset();
    this.#eagerUntil = Date.now() + this.#timing.eagerProbeMs;
    this.#nextReadAt = 0;
    this.#settleStep = 0;
    this.#wake?.();
  }

  /**
   * The guest stopped running (reset, shut down, QEMU gone): its agent is gone too, whatever the last heartbeat
   * said. Says so now rather than after a heartbeat times out, drops the connection with anything queued on it,
   * and probes eagerly for the agent of the next boot.
   */
  agentGone(desc: string): void {
    if (this.#stopped) return;
    this.#setInfo({ agent: 'unavailable' }, desc);
    void this.#dropClient();
    this.refreshSoon();
  }

  /** How long a person's command may take: as asked, else the link's default (short for no-reply commands). */
  timeoutFor(name: string, perCall: number | undefined): number {
    if (perCall !== undefined) return perCall;
    return NO_REPLY_ON_SUCCESS.has(name) ? this.#timing.noReplyGraceMs : this.#timing.commandTimeoutMs;
  }

  /**
   * Runs a person's agent command (the command pipeline checked its name). Errors keep the agent's own class
   * (400), or are `GuestAgentUnavailable` (503) when no agent answers in time.
   */
  async execute(
    name: string,
    args: Record<string, unknown> | undefined,
    timeoutMs?: number,
  ): Promise<unknown> {
    const client = this.#client;
    if (client === null || client.closed || this.#info.agent !== 'connected') {
      throw new GuestAgentUnavailableError(`the guest agent of VM "${this.#options.vmId}" is not answering`);
    }
    try {
      return await client.execute(name, args, { timeoutMs: this.timeoutFor(name, timeoutMs) });
    } catch (err) {
      // Silence after an answered sync is how these commands succeed; a failure would have come back as an error.
      if (err instanceof GuestAgentUnavailableError && NO_REPLY_ON_SUCCESS.has(name)) {
        this.refreshSoon();
        return {};
      }
      throw err;
    } finally {
      // A command that timed out leaves the client unsynced: let the loop find out whether the agent is gone.
      if (!client.available) this.#wake?.();
    }
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      if (await this.#agentAnswers()) {
        this.#probeBackoff.reset();
        await this.#readOrPing();
        // A heartbeat that went unanswered leaves the client unsynced: check again at once, not after a nap.
        if (!this.#client?.available) continue;
        await this.#sleep(Math.min(this.#timing.heartbeatMs, Math.max(0, this.#nextReadAt - Date.now())));
      } else {
        // A booting guest's agent is about to appear: probe often for a while, then back off.
        await this.#sleep(
          Date.now() < this.#eagerUntil ? this.#timing.probeMinMs : this.#probeBackoff.next(),
        );
      }
    }
  }

  /** True when a synced agent is on the line; otherwise marks the agent unavailable and drops the connection. */
  async #agentAnswers(): Promise<boolean> {
    let reason = 'the guest agent did not answer';
    try {
      if (this.#client === null || this.#client.closed) {
        this.#client = await GuestAgentClient.connect(
          { path: this.#options.socketPath },
          { connectTimeoutMs: 1000, syncTimeoutMs: this.#timing.syncTimeoutMs },
        );
      } else if (!this.#client.available) {
        await this.#client.sync(this.#timing.syncTimeoutMs);
      }
      if (this.#client.available) return true;
    } catch (err) {
      // Expected while QEMU is not running (no socket) or the agent is silent; the state says so, no log needed.
      reason = (err as { desc?: string }).desc ?? String(err);
    }
    if (this.#stopped) return false;
    await this.#dropClient();
    // Silent, but the guest is as it was (paused, agent stopped): keep what it last said, marked stale.
    this.#setInfo(lastKnown(this.#info), reason);
    return false;
  }

  async #readOrPing(): Promise<void> {
    const client = this.#client;
    if (client === null) return;
    try {
      if (this.#info.agent !== 'connected' || Date.now() >= this.#nextReadAt) {
        await this.#readInfo(client);
        this.#scheduleNextRead();
      } else {
        await client.execute('guest-ping', undefined, { timeoutMs: this.#timing.pingTimeoutMs });
      }
    } catch (err) {
      // Only silence means "gone": an agent that refuses a command still answers.
      if (err instanceof QmpError) return;
      this.#options.log.debug({ vm: this.#options.vmId, err }, 'guest agent stopped answering');
    }
  }

  async #readInfo(client: GuestAgentClient): Promise<void> {
    const timeoutMs = this.#timing.infoTimeoutMs;
    const hostname = hostnameFrom(
      await this.#optional(client.execute('guest-get-host-name', undefined, { timeoutMs })),
    );
    const os = osFrom(await this.#optional(client.execute('guest-get-osinfo', undefined, { timeoutMs })));
    const interfaces = await this.#optional(
      client.execute('guest-network-get-interfaces', undefined, { timeoutMs }),
    );
    const info: GuestInfo = { agent: 'connected' };
    if (hostname !== undefined) info.hostname = hostname;
    if (os !== undefined) info.os = os;
    if (interfaces !== undefined) info.addresses = addressesFrom(interfaces);
    this.#setInfo(info);
  }

  /** An agent error (e.g. a command this guest's agent lacks) leaves that field out; silence propagates. */
  async #optional(reply: Promise<unknown>): Promise<unknown> {
    try {
      return await reply;
    } catch (err) {
      if (err instanceof QmpError) return undefined;
      throw err;
    }
  }

  #scheduleNextRead(): void {
    const settle = this.#timing.settleDelaysMs[this.#settleStep];
    if (settle !== undefined) this.#settleStep++;
    this.#nextReadAt = Date.now() + (settle ?? this.#timing.refreshMs);
  }

  #setInfo(info: GuestInfo, desc?: string): void {
    const before = this.#info.agent;
    // A fresh answer (first boot, reboot, agent restart): re-read through the settling steps from the start.
    if (info.agent === 'connected' && before !== 'connected') this.#settleStep = 0;
    this.#info = info;
    if (info.agent !== before) this.#options.onAgentState?.(info.agent, desc === undefined ? {} : { desc });
    const key = JSON.stringify(info);
    if (key === this.#published) return;
    this.#published = key;
    this.#options.onChange(info);
  }

  async #dropClient(): Promise<void> {
    const client = this.#client;
    this.#client = null;
    await client?.close();
  }

  #sleep(ms: number): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        if (this.#wake === done) this.#wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wake = done;
    });
  }
}

/** The agent's last answers kept while it is silent (`stale`); nothing to keep when it never answered. */
function lastKnown(info: GuestInfo): GuestInfo {
  const { agent: _, stale: __, ...known } = info;
  if (Object.keys(known).length === 0) return { agent: 'unavailable' };
  return { agent: 'unavailable', stale: true, ...known };
}
