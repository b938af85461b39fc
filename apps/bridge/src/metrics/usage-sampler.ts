/**
 * Every `intervalSeconds` (default 5), one usage reading of every connected VM whose QEMU runs on this host (each
 * VM's VmUsageProbe), all at once; each VM's sample (rates from its previous reading) is stored in the history in
 * one transaction, sent to the VM's WebSocket subscribers (`usage`) and put in the VM object (`usage`: CPU% and
 * RSS, pushed throttled). A tick that is still running when the next is due makes that one wait, never overlap.
 * The latest readings stay available for `GET /metrics`' counters.
 */
import type { UsageSample, VmUsage } from '@qmpdeck/protocol';
import type { Logger } from '../log.ts';
import type { VmRegistry } from '../vms/vm-registry.ts';
import type { VmSupervisor } from '../vms/vm-supervisor.ts';
import type { MetricsHistory, RecordedSample } from './metrics-history.ts';
import { type UsageReading, usageValues } from './usage-reading.ts';
import { type ProbedVm, VmUsageProbe } from './vm-usage-probe.ts';

export interface UsageSamplerOptions {
  registry: VmRegistry;
  history: MetricsHistory;
  intervalSeconds: number;
  log: Logger;
  /** A VM's new sample, for its subscribers. */
  publish: (vm: string, sample: UsageSample) => void;
}

/** What the sampler last read of a VM: its counters (for Prometheus) and the QEMU process they came from. */
export interface LatestReading {
  reading: UsageReading;
  pid: number;
}

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|::1|\[::1\])$/;

export class UsageSampler {
  readonly #options: UsageSamplerOptions;
  readonly #probes = new Map<string, VmUsageProbe>();
  readonly #latest = new Map<string, LatestReading>();
  /**
   * Per VM, its last reading, kept over ticks that got none (QEMU slow to answer, the link away): the next rates
   * are taken from it, so what happened meanwhile is averaged into them instead of lost from the history.
   */
  readonly #rateBase = new Map<string, LatestReading>();
  /** Why each VM was last skipped, so the log says it once, not every tick. */
  readonly #skipped = new Map<string, string>();
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;
  #stopped = true;

  constructor(options: UsageSamplerOptions) {
    this.#options = options;
  }

  get intervalSeconds(): number {
    return this.#options.intervalSeconds;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#schedule();
  }

  /** Stops ticking and waits for a tick under way (its samples are stored). */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#running;
  }

  /** The VM's latest reading, while it is being sampled. */
  latest(vm: string): LatestReading | undefined {
    return this.#latest.get(vm);
  }

  /**
   * One round over every VM (the timer's work; tests call it directly). `due` is the tick's own time, the
   * interval boundary it was scheduled for: samples are stored under it, so two ticks never share a second even
   * when one runs late; rates use the time each reading was really taken.
   */
  async tick(due = Date.now()): Promise<void> {
    const vms = this.#options.registry.all();
    this.#forgetRemoved(vms);
    const time = Math.round(due / 1000);
    const samples = await Promise.all(vms.map((vm) => this.#sample(vm, time)));
    const recorded = samples.filter((sample): sample is RecordedSample => sample !== null);
    const { history } = this.#options;
    history.record(recorded);
    history.closeIdle(time);
    for (const { vm, time, values } of recorded) this.#options.publish(vm, { time, values });
  }

  async #sample(vm: VmSupervisor, time: number): Promise<RecordedSample | null> {
    const probe = this.#probeOf(vm);
    const result = await probe.read(Date.now());
    if (!result.ok) {
      this.#skip(vm, result.why);
      return null;
    }
    this.#skipped.delete(vm.id);
    const base = this.#rateBase.get(vm.id);
    // Rates only between readings of the same QEMU process.
    const values = usageValues(base?.pid === result.pid ? base.reading : null, result.reading);
    const latest = { reading: result.reading, pid: result.pid };
    this.#latest.set(vm.id, latest);
    this.#rateBase.set(vm.id, latest);
    vm.setUsage(vmUsage(time, values));
    return { vm: vm.id, time, values };
  }

  #skip(vm: VmSupervisor, why: string): void {
    this.#latest.delete(vm.id);
    vm.setUsage(null);
    if (this.#skipped.get(vm.id) === why) return;
    this.#skipped.set(vm.id, why);
    this.#options.log.debug({ vm: vm.id, why }, 'usage not sampled');
  }

  #probeOf(vm: VmSupervisor): VmUsageProbe {
    let probe = this.#probes.get(vm.id);
    if (!probe) {
      probe = new VmUsageProbe(probedVm(vm, this.#options.log));
      this.#probes.set(vm.id, probe);
    }
    return probe;
  }

  #forgetRemoved(vms: readonly VmSupervisor[]): void {
    if (vms.length === this.#probes.size) return;
    const ids = new Set(vms.map((vm) => vm.id));
    for (const id of this.#probes.keys()) {
      if (ids.has(id)) continue;
      this.#probes.delete(id);
      this.#latest.delete(id);
      this.#rateBase.delete(id);
      this.#skipped.delete(id);
    }
  }

  #schedule(): void {
    if (this.#stopped) return;
    const intervalMs = this.#options.intervalSeconds * 1000;
    // On the interval's boundaries, so samples of every VM share their timestamps.
    const now = Date.now();
    const due = now - (now % intervalMs) + intervalMs;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#running = this.tick(due).catch((err: unknown) => {
        this.#options.log.error({ err }, 'usage sampling failed');
      });
      void this.#running.finally(() => {
        this.#running = null;
        this.#schedule();
      });
    }, due - now);
    this.#timer.unref();
  }
}

function vmUsage(time: number, values: Record<string, number>): VmUsage {
  return { time, cpu: values.cpu ?? null, memory: values.memory ?? null };
}

/** The supervisor as the probe sees it. */
function probedVm(vm: VmSupervisor, log: Logger): ProbedVm {
  return {
    id: vm.id,
    qmpClient: () => vm.qmp.client,
    agentRead: async (command, timeoutMs) => {
      const guest = vm.guest;
      if (guest === null || guest.info.agent !== 'connected') return null;
      try {
        return await guest.execute(command, undefined, timeoutMs);
      } catch (err) {
        // The agent went away between the check and the call, or is slow: this tick has no guest counters.
        log.debug({ vm: vm.id, err }, 'guest agent read for usage failed');
        return null;
      }
    },
    launchedPid: () => (vm.process?.running ? vm.process.info.pid : null),
    mayBeLocal: () => {
      const address = vm.options.address;
      return address === undefined || 'path' in address || LOOPBACK.test(address.host);
    },
  };
}
