/**
 * Takes one VM's usage readings, one per sampling tick, and keeps what it learnt between them: which process is
 * its QEMU (found once per set of vCPU threads), whether it has a balloon (QEMU's `DeviceNotActive` is remembered
 * until the next connection, so a VM without one is not asked again), where the balloon is in QOM and whether the
 * guest fills its statistics (looked at again about once a minute while it does not).
 *
 * Its queries are the bridge's own housekeeping, like the run state's `query-status`: sent on the live QMP
 * connection, not through the command pipeline (nobody's command; no permission, no in-flight entry, no audit
 * line, no cause), short timeouts, and a failure only skips this tick.
 */
import type { QmpClient } from '@qmpdeck/qmp';
import { QmpError } from '@qmpdeck/qmp';
import { readCpuTicks, readStatus, readThreadTicks } from './proc-files.ts';
import { findQemuProcess } from './qemu-process.ts';
import { diskCounters, guestMemoryFrom, netCounters } from './qmp-readings.ts';
import type { UsageReading } from './usage-reading.ts';

const QUERY_TIMEOUT_MS = 2000;
/** How many ticks a balloon without statistics waits before the probe asks whether polling was turned on. */
const STATS_RECHECK_TICKS = 12;
const BALLOON_TYPES = /^child<virtio-balloon(-pci|-pci-transitional|-pci-non-transitional|-ccw|-device)>$/;

/** What the probe needs of a VM (the supervisor, seen from here). */
export interface ProbedVm {
  readonly id: string;
  /** The live QMP connection, or null while not connected. */
  qmpClient(): QmpClient | null;
  /** Runs a read on the guest agent; null when no agent answers now. */
  agentRead(command: string, timeoutMs: number): Promise<unknown>;
  /** The pid of the QEMU the bridge launched for this VM, or null. */
  launchedPid(): number | null;
  /** False when QMP is reached over TCP on another machine: its threads are not here. */
  mayBeLocal(): boolean;
}

export type ProbeResult = { ok: true; reading: UsageReading; pid: number } | { ok: false; why: string };

type Balloon =
  | { state: 'unknown' }
  | { state: 'absent' }
  | { state: 'present'; path: string | null; polling: boolean; recheckIn: number };

export class VmUsageProbe {
  #client: QmpClient | null = null;
  #threadsKey = '';
  #pid: number | null = null;
  #balloon: Balloon = { state: 'unknown' };

  constructor(readonly vm: ProbedVm) {}

  /** One reading, or why there is none this tick (not connected, not on this host, QEMU slow to answer). */
  async read(now: number): Promise<ProbeResult> {
    const client = this.vm.qmpClient();
    if (client === null) return { ok: false, why: 'not connected' };
    if (!this.vm.mayBeLocal()) return { ok: false, why: 'QMP is reached over the network' };
    if (client !== this.#client) this.#newConnection(client);
    try {
      return await this.#read(client, now);
    } catch (err) {
      return { ok: false, why: (err as Error).message };
    }
  }

  async #read(client: QmpClient, now: number): Promise<ProbeResult> {
    const [cpus, blockstats, balloon, guestStats, guestNet] = await Promise.all([
      client.execute('query-cpus-fast', undefined, { timeoutMs: QUERY_TIMEOUT_MS }),
      client.execute('query-blockstats', undefined, { timeoutMs: QUERY_TIMEOUT_MS }),
      this.#readBalloon(client),
      this.#readGuestStats(client),
      this.vm.agentRead('guest-network-get-interfaces', QUERY_TIMEOUT_MS),
    ]);
    const threads = [...new Set(cpus.map((cpu) => cpu['thread-id']).filter((tid) => tid !== undefined))];
    const pid = await this.#processOf(threads);
    if (typeof pid === 'string') return { ok: false, why: pid };
    const [processTicks, status, ...threadTicks] = await Promise.all([
      readCpuTicks(pid),
      readStatus(pid),
      // With TCG single-threaded every vCPU reports the same thread: each counted once (deduplicated above).
      ...threads.map((tid) => readThreadTicks(pid, tid)),
    ]);
    if (processTicks === null) {
      this.#threadsKey = '';
      return { ok: false, why: `process ${pid} is gone` };
    }
    const vcpuTicks = threadTicks.every((ticks) => ticks !== null)
      ? threadTicks.reduce<number>((sum, ticks) => sum + (ticks as number), 0)
      : null;
    const reading: UsageReading = {
      at: now,
      processTicks,
      vcpuTicks: threads.length > 0 ? vcpuTicks : null,
      rssBytes: status?.rssBytes ?? null,
      balloonBytes: balloon,
      guestMemory: guestMemoryFrom(guestStats),
      disks: diskCounters(blockstats),
      nets: netCounters(guestNet),
    };
    return { ok: true, reading, pid };
  }

  /** A new QMP connection may be a new QEMU: everything learnt about the old one is forgotten. */
  #newConnection(client: QmpClient): void {
    this.#client = client;
    this.#threadsKey = '';
    this.#pid = null;
    this.#balloon = { state: 'unknown' };
  }

  /** QEMU's pid (looked up again only when the vCPU threads change), or why it is not a process of this host. */
  async #processOf(threads: number[]): Promise<number | string> {
    const key = threads.join(',');
    if (key === this.#threadsKey && this.#pid !== null) return this.#pid;
    const lookup = await findQemuProcess(threads, this.vm.launchedPid());
    this.#threadsKey = key;
    this.#pid = lookup.found ? lookup.pid : null;
    return lookup.found ? lookup.pid : lookup.why;
  }

  async #readBalloon(client: QmpClient): Promise<number | null> {
    if (this.#balloon.state === 'absent') return null;
    try {
      const { actual } = await client.execute('query-balloon', undefined, { timeoutMs: QUERY_TIMEOUT_MS });
      if (this.#balloon.state === 'unknown') {
        this.#balloon = {
          state: 'present',
          path: await this.#balloonPath(client),
          polling: false,
          recheckIn: 0,
        };
      }
      return actual;
    } catch (err) {
      if (err instanceof QmpError && err.class === 'DeviceNotActive') {
        this.#balloon = { state: 'absent' };
        return null;
      }
      throw err;
    }
  }

  /** The balloon's QOM path among the devices people add (`-device virtio-balloon-pci[,id=...]`). */
  async #balloonPath(client: QmpClient): Promise<string | null> {
    for (const parent of ['/machine/peripheral', '/machine/peripheral-anon']) {
      const children = await client.execute('qom-list', { path: parent }, { timeoutMs: QUERY_TIMEOUT_MS });
      const balloon = children.find((child) => BALLOON_TYPES.test(child.type));
      if (balloon) return `${parent}/${balloon.name}`;
    }
    return null;
  }

  /**
   * The balloon's statistics, only when the guest is asked for them (`guest-stats-polling-interval` set by
   * whoever configured the VM): the probe reads, it never turns polling on.
   */
  async #readGuestStats(client: QmpClient): Promise<unknown> {
    const balloon = this.#balloon;
    if (balloon.state !== 'present' || balloon.path === null) return null;
    if (!balloon.polling) {
      if (balloon.recheckIn-- > 0) return null;
      const interval = await client.execute(
        'qom-get',
        { path: balloon.path, property: 'guest-stats-polling-interval' },
        { timeoutMs: QUERY_TIMEOUT_MS },
      );
      balloon.polling = typeof interval === 'number' && interval > 0;
      balloon.recheckIn = STATS_RECHECK_TICKS;
      if (!balloon.polling) return null;
    }
    return client.execute(
      'qom-get',
      { path: balloon.path, property: 'guest-stats' },
      { timeoutMs: QUERY_TIMEOUT_MS },
    );
  }
}
