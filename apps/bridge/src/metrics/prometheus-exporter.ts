/**
 * `GET /metrics` in Prometheus' text format, from prom-client with a registry of its own (never the global one):
 *
 * - each VM's link and state, read from its supervisor at scrape time: `qmpdeck_vm_up`, `qmpdeck_vm_state{state}`
 *   (1 for the current RunState, 0 for the others; see VM_STATES), `qmpdeck_vm_connection{connection}`;
 * - what passes through the bridge, counted as it happens: QMP events by name (`qmpdeck_qmp_events_total`), and
 *   commands by name and outcome with their latency (`qmpdeck_commands_total`, `qmpdeck_command_duration_seconds`),
 *   counted at the pipeline's audit seam, the one place every command's end is seen;
 * - the WebSocket clients (`qmpdeck_websocket_clients`);
 * - usage from the sampler's latest reading, as QEMU and /proc count it: CPU seconds, bytes and operations as
 *   counters (they only grow, and start again at 0 with a new QEMU, which Prometheus' `rate()` understands), RSS
 *   and balloon sizes as gauges.
 *
 * Every per-VM series carries a `vm` label, so a scrape can be cut down to the VMs a caller may see
 * (scrape-scope.ts). Label values stay bounded: command names QEMU did not know and bridge errors of malformed
 * requests count as `other`, and at most MAX_COMMAND_LABELS distinct names are kept.
 */
import { Connection, type EventRecord, RunState, type Vm } from '@qmpdeck/protocol';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CommandAudit, CommandRecord } from '../commands/command-audit.ts';
import type { VmRegistry } from '../vms/vm-registry.ts';
import { CLOCK_TICKS_PER_SECOND } from './proc-files.ts';
import { keepVms } from './scrape-scope.ts';
import type { UsageSampler } from './usage-sampler.ts';

/**
 * The states of `qmpdeck_vm_state`: QEMU's RunState, plus two of the bridge's for a VM with no run state, so
 * "not running" always has a series at 1: `stopped` (a managed VM whose QEMU is not running) and `disconnected`
 * (any other VM the bridge cannot reach now: connecting, disconnected, busy, gone; `qmpdeck_vm_connection` says
 * which). A connected VM whose state is not known yet (the moment after connecting) has every series at 0.
 */
export const VM_STATES: readonly string[] = [...RunState.options, 'stopped', 'disconnected'];

/** Fewer distinct command names than this are labelled by name; the rest count as `other`. */
export const MAX_COMMAND_LABELS = 200;
/** Errors that say the command itself was not one: its name is not worth a series of its own. */
const NOT_A_COMMAND = new Set(['CommandNotFound', 'BadRequest']);
/** Commands counted at once when no scrape came meanwhile: what the queue may hold. */
const MAX_QUEUED_COMMANDS = 1000;
const DURATION_BUCKETS = [0.001, 0.005, 0.025, 0.1, 0.5, 2.5, 10, 60];

export interface ExporterSources {
  registry: VmRegistry;
  /** Null when sampling is off: no usage series then. */
  sampler: UsageSampler | null;
  websocketClients: () => number;
}

export class PrometheusExporter {
  readonly registry = new Registry();
  readonly #events: Counter<'vm' | 'event'>;
  readonly #commands: Counter<'vm' | 'command' | 'outcome'>;
  readonly #durations: Histogram<'vm' | 'command'>;
  readonly #commandLabels = new Set<string>();
  #queued: CommandRecord[] = [];

  constructor(readonly sources: ExporterSources) {
    const registers = [this.registry];
    this.#defineStateMetrics(registers);
    this.#events = new Counter({
      name: 'qmpdeck_qmp_events_total',
      help: 'QMP events QEMU sent, by name',
      labelNames: ['vm', 'event'],
      registers,
    });
    this.#commands = new Counter({
      name: 'qmpdeck_commands_total',
      help: 'Commands run through the bridge (QMP, guest agent, bridge actions), by name and outcome (ok, error, refused)',
      labelNames: ['vm', 'command', 'outcome'],
      registers,
    });
    this.#durations = new Histogram({
      name: 'qmpdeck_command_duration_seconds',
      help: 'How long commands took through the bridge, from arrival to answer',
      labelNames: ['vm', 'command'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    new Gauge({
      name: 'qmpdeck_websocket_clients',
      help: 'WebSocket clients connected to the bridge',
      registers,
      collect() {
        this.set(sources.websocketClients());
      },
    });
    if (sources.sampler) this.#defineUsageMetrics(registers, sources.sampler);
  }

  /**
   * The pipeline's audit seam: every command, once it is over. Only queued here: prom-client hashes its labels on
   * every update, which on the command's path (a QMP proxy client waits for the answer) costs more than the rest
   * of the audit together; the queue is counted at the next scrape, or every MAX_QUEUED_COMMANDS commands.
   */
  readonly commandAudit: CommandAudit = {
    record: (entry: CommandRecord) => {
      this.#queued.push(entry);
      if (this.#queued.length >= MAX_QUEUED_COMMANDS) this.#countQueued();
    },
  };

  /** Every stored event passes here; QEMU's own are counted. */
  countEvent(record: EventRecord): void {
    if (record.source === 'bridge') return;
    this.#events.inc({ vm: record.vm, event: record.event });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The exposition; with `sees`, only the series of the VMs it accepts (and those of no VM). */
  async scrape(sees: ((vm: string) => boolean) | null = null): Promise<string> {
    this.#countQueued();
    const text = await this.registry.metrics();
    return sees === null ? text : keepVms(text, sees);
  }

  #countQueued(): void {
    const queued = this.#queued;
    this.#queued = [];
    for (const { request, outcome, error, durationMs } of queued) {
      const command = this.#commandLabel(request.command, error?.class);
      // A bridge-wide action (audit.read, a refused scrape) is about no VM: an empty label, which Prometheus
      // reads as none, and which a scoped scrape leaves out.
      const vm = request.vm ?? '';
      this.#commands.inc({ vm, command, outcome });
      this.#durations.observe({ vm, command }, durationMs / 1000);
    }
  }

  #commandLabel(command: string, errorClass: string | undefined): string {
    if (errorClass !== undefined && NOT_A_COMMAND.has(errorClass)) return 'other';
    if (this.#commandLabels.has(command)) return command;
    if (this.#commandLabels.size >= MAX_COMMAND_LABELS) return 'other';
    this.#commandLabels.add(command);
    return command;
  }

  #defineStateMetrics(registers: Registry[]): void {
    const { registry } = this.sources;
    new Gauge({
      name: 'qmpdeck_vm_up',
      help: "1 when the bridge's QMP connection to the VM is up",
      labelNames: ['vm'],
      registers,
      collect() {
        this.reset();
        for (const vm of registry.all()) this.set({ vm: vm.id }, vm.connection === 'connected' ? 1 : 0);
      },
    });
    new Gauge({
      name: 'qmpdeck_vm_state',
      help: "1 for the VM's current run state (QEMU's RunState, or stopped / disconnected when it has none), 0 for the others",
      labelNames: ['vm', 'state'],
      registers,
      collect() {
        this.reset();
        for (const vm of registry.all()) {
          const current = stateOf(vm.connection, vm.status);
          for (const state of VM_STATES) this.set({ vm: vm.id, state }, state === current ? 1 : 0);
        }
      },
    });
    new Gauge({
      name: 'qmpdeck_vm_connection',
      help: "1 for the state of the bridge's link to the VM, 0 for the others",
      labelNames: ['vm', 'connection'],
      registers,
      collect() {
        this.reset();
        for (const vm of registry.all()) {
          for (const connection of Connection.options)
            this.set({ vm: vm.id, connection }, connection === vm.connection ? 1 : 0);
        }
      },
    });
  }

  #defineUsageMetrics(registers: Registry[], sampler: UsageSampler): void {
    const { registry } = this.sources;
    const latest = () =>
      registry.all().flatMap((vm) => {
        const reading = sampler.latest(vm.id)?.reading;
        return reading ? [{ vm: vm.id, reading }] : [];
      });
    type Reading = NonNullable<ReturnType<UsageSampler['latest']>>['reading'];
    const counterPerVm = (name: string, help: string, value: (reading: Reading) => number | null) =>
      new Counter({
        name,
        help,
        labelNames: ['vm'],
        registers,
        collect() {
          this.reset();
          for (const { vm, reading } of latest()) {
            const v = value(reading);
            if (v !== null) this.inc({ vm }, v);
          }
        },
      });
    const gaugePerVm = (name: string, help: string, value: (reading: Reading) => number | null) =>
      new Gauge({
        name,
        help,
        labelNames: ['vm'],
        registers,
        collect() {
          this.reset();
          for (const { vm, reading } of latest()) {
            const v = value(reading);
            if (v !== null) this.set({ vm }, v);
          }
        },
      });
    const seconds = (ticks: number | null) => (ticks === null ? null : ticks / CLOCK_TICKS_PER_SECOND);
    counterPerVm('qmpdeck_vm_cpu_seconds_total', 'CPU time of the QEMU process (every thread)', (r) =>
      seconds(r.processTicks),
    );
    counterPerVm('qmpdeck_vm_vcpu_seconds_total', "CPU time of the VM's vCPU threads", (r) =>
      seconds(r.vcpuTicks),
    );
    gaugePerVm('qmpdeck_vm_memory_rss_bytes', 'Resident memory of the QEMU process', (r) => r.rssBytes);
    gaugePerVm(
      'qmpdeck_vm_memory_balloon_bytes',
      "The balloon's actual size (VMs with a balloon)",
      (r) => r.balloonBytes,
    );
    gaugePerVm(
      'qmpdeck_vm_memory_guest_used_bytes',
      'Memory the guest uses, as its balloon driver reports',
      (r) => r.guestMemory?.used ?? null,
    );
    gaugePerVm(
      'qmpdeck_vm_memory_guest_total_bytes',
      'Memory the guest sees, as its balloon driver reports',
      (r) => r.guestMemory?.total ?? null,
    );
    const perDrive = (name: string, help: string, key: 'readBytes' | 'writeBytes' | 'readOps' | 'writeOps') =>
      new Counter({
        name,
        help,
        labelNames: ['vm', 'drive'],
        registers,
        collect() {
          this.reset();
          for (const { vm, reading } of latest())
            for (const [drive, counters] of reading.disks) this.inc({ vm, drive }, counters[key]);
        },
      });
    perDrive('qmpdeck_vm_disk_read_bytes_total', 'Bytes the guest read from the drive', 'readBytes');
    perDrive('qmpdeck_vm_disk_write_bytes_total', 'Bytes the guest wrote to the drive', 'writeBytes');
    perDrive('qmpdeck_vm_disk_read_ops_total', 'Read operations on the drive', 'readOps');
    perDrive('qmpdeck_vm_disk_write_ops_total', 'Write operations on the drive', 'writeOps');
    const perInterface = (
      name: string,
      help: string,
      key: 'rxBytes' | 'txBytes' | 'rxPackets' | 'txPackets',
    ) =>
      new Counter({
        name,
        help,
        labelNames: ['vm', 'interface'],
        registers,
        collect() {
          this.reset();
          for (const { vm, reading } of latest())
            for (const [name, counters] of reading.nets) this.inc({ vm, interface: name }, counters[key]);
        },
      });
    perInterface(
      'qmpdeck_vm_network_receive_bytes_total',
      'Bytes the guest received on the interface',
      'rxBytes',
    );
    perInterface(
      'qmpdeck_vm_network_transmit_bytes_total',
      'Bytes the guest sent on the interface',
      'txBytes',
    );
    perInterface('qmpdeck_vm_network_receive_packets_total', 'Packets the guest received', 'rxPackets');
    perInterface('qmpdeck_vm_network_transmit_packets_total', 'Packets the guest sent', 'txPackets');
  }
}

/** The `state` label that is 1 for a VM, or null when none is (connected, state not known yet). */
export function stateOf(connection: Vm['connection'], status: Vm['status']): string | null {
  if (connection === 'connected') return status;
  return connection === 'stopped' ? 'stopped' : 'disconnected';
}
