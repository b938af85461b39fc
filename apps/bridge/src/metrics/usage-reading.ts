/**
 * One look at a VM's counters (what /proc, QMP and the guest agent say at one moment), and the sample made from
 * two consecutive looks: CPU as percent of one host core, memory as bytes, disk and network as rates per second.
 * Series names and units are the protocol's (packages/protocol/src/metrics.ts). Pure, so the arithmetic is tested
 * without a VM.
 */
import { CLOCK_TICKS_PER_SECOND } from './proc-files.ts';

export interface DiskCounters {
  readBytes: number;
  writeBytes: number;
  readOps: number;
  writeOps: number;
}

export interface NetCounters {
  rxBytes: number;
  txBytes: number;
  rxPackets: number;
  txPackets: number;
}

export interface UsageReading {
  /** Milliseconds since the epoch when the look was taken. */
  at: number;
  /** The QEMU process's CPU time (every thread), in clock ticks. */
  processTicks: number | null;
  /** The vCPU threads' CPU time together (each thread once), in clock ticks. */
  vcpuTicks: number | null;
  rssBytes: number | null;
  /** The balloon's actual size; null without a balloon. */
  balloonBytes: number | null;
  /** The guest's own view (virtio-balloon statistics); null when the guest does not report it. */
  guestMemory: { total: number; used: number } | null;
  /** By drive name. */
  disks: ReadonlyMap<string, DiskCounters>;
  /** By interface name. */
  nets: ReadonlyMap<string, NetCounters>;
}

/** The sample's values: levels from `current`, rates from the difference to `previous` (none on the first look). */
export function usageValues(previous: UsageReading | null, current: UsageReading): Record<string, number> {
  const values: Record<string, number> = {};
  if (current.rssBytes !== null) values.memory = current.rssBytes;
  if (current.balloonBytes !== null) values['memory.balloon'] = current.balloonBytes;
  if (current.guestMemory !== null) {
    values['memory.guest.used'] = current.guestMemory.used;
    values['memory.guest.total'] = current.guestMemory.total;
  }
  if (previous === null) return values;
  const seconds = (current.at - previous.at) / 1000;
  if (!(seconds > 0)) return values;
  const cpu = cpuPercent(previous.processTicks, current.processTicks, seconds);
  if (cpu !== null) values.cpu = cpu;
  const vcpus = cpuPercent(previous.vcpuTicks, current.vcpuTicks, seconds);
  if (vcpus !== null) values['cpu.vcpus'] = vcpus;
  for (const [drive, now] of current.disks) {
    const before = previous.disks.get(drive);
    if (!before) continue;
    putRate(values, `disk.${drive}.read`, before.readBytes, now.readBytes, seconds);
    putRate(values, `disk.${drive}.write`, before.writeBytes, now.writeBytes, seconds);
    putRate(values, `disk.${drive}.readOps`, before.readOps, now.readOps, seconds);
    putRate(values, `disk.${drive}.writeOps`, before.writeOps, now.writeOps, seconds);
  }
  for (const [name, now] of current.nets) {
    const before = previous.nets.get(name);
    if (!before) continue;
    putRate(values, `net.${name}.rx`, before.rxBytes, now.rxBytes, seconds);
    putRate(values, `net.${name}.tx`, before.txBytes, now.txBytes, seconds);
    putRate(values, `net.${name}.rxPackets`, before.rxPackets, now.rxPackets, seconds);
    putRate(values, `net.${name}.txPackets`, before.txPackets, now.txPackets, seconds);
  }
  return values;
}

function cpuPercent(before: number | null, now: number | null, seconds: number): number | null {
  if (before === null || now === null || now < before) return null;
  return round((((now - before) / CLOCK_TICKS_PER_SECOND) * 100) / seconds);
}

/** A counter that went down was reset (a new QEMU, a drive replaced): no rate for that step. */
function putRate(values: Record<string, number>, name: string, before: number, now: number, seconds: number) {
  if (now < before) return;
  values[name] = round((now - before) / seconds);
}

/** Three decimals: enough for any unit shown, and keeps stored and sent numbers short. */
function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
