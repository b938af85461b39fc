/**
 * QEMU's and the guest agent's answers turned into the counters of a usage reading: `query-blockstats` into bytes
 * and operations per drive, `guest-network-get-interfaces` into bytes and packets per interface, the balloon's
 * QOM `guest-stats` into the guest's own total and used memory. Pure functions over the answers' shapes (typed by
 * QEMU's generated schema), tested with real answers.
 */
import type { ReturnOf } from '@qmpdeck/qmp';
import type { DiskCounters, NetCounters } from './usage-reading.ts';

type BlockStats = ReturnOf<'query-blockstats'>[number];

/**
 * The drive's name as people and the media route know it: the block backend's (`-drive id=`), else the device's
 * qdev id (`/machine/peripheral/vblk0/virtio-backend` -> `vblk0`), else the QOM path as QEMU gives it.
 */
export function driveName(entry: { device?: string; qdev?: string }): string | null {
  if (entry.device) return entry.device;
  if (!entry.qdev) return null;
  return qdevId(entry.qdev);
}

/** `/machine/peripheral/vblk0/virtio-backend` -> `vblk0`; a plain id stays; other QOM paths stay whole. */
export function qdevId(qdev: string): string {
  const match = /^\/machine\/peripheral\/([^/]+)(\/virtio-backend)?$/.exec(qdev);
  return match?.[1] ?? qdev;
}

/** Drives with a medium (an empty CD-ROM has no node and nothing to count). */
export function diskCounters(stats: readonly BlockStats[]): Map<string, DiskCounters> {
  const disks = new Map<string, DiskCounters>();
  for (const entry of stats) {
    const name = driveName(entry);
    if (name === null || entry['node-name'] === undefined) continue;
    const { rd_bytes, wr_bytes, rd_operations, wr_operations } = entry.stats;
    disks.set(name, {
      readBytes: rd_bytes,
      writeBytes: wr_bytes,
      readOps: rd_operations,
      writeOps: wr_operations,
    });
  }
  return disks;
}

interface GuestInterface {
  name?: unknown;
  statistics?: {
    'rx-bytes'?: unknown;
    'tx-bytes'?: unknown;
    'rx-packets'?: unknown;
    'tx-packets'?: unknown;
  };
}

/** Interfaces with statistics, but not the guest's loopback (it talks to itself there, not on any NIC). */
export function netCounters(interfaces: unknown): Map<string, NetCounters> {
  const nets = new Map<string, NetCounters>();
  if (!Array.isArray(interfaces)) return nets;
  for (const item of interfaces as GuestInterface[]) {
    const stats = item.statistics;
    if (typeof item.name !== 'string' || item.name === 'lo' || !stats) continue;
    const rxBytes = stats['rx-bytes'];
    const txBytes = stats['tx-bytes'];
    const rxPackets = stats['rx-packets'];
    const txPackets = stats['tx-packets'];
    if (
      typeof rxBytes !== 'number' ||
      typeof txBytes !== 'number' ||
      typeof rxPackets !== 'number' ||
      typeof txPackets !== 'number'
    )
      continue;
    nets.set(item.name, { rxBytes, txBytes, rxPackets, txPackets });
  }
  return nets;
}

/**
 * virtio-balloon's statistics (`qom-get <balloon> guest-stats`), which the guest's driver fills in when
 * `guest-stats-polling-interval` is set: used is total minus what the guest could still hand out (`available`,
 * else `free`). Null when the guest has not reported yet (`last-update` 0) or left them out.
 */
export function guestMemoryFrom(guestStats: unknown): { total: number; used: number } | null {
  if (typeof guestStats !== 'object' || guestStats === null) return null;
  const { stats, 'last-update': lastUpdate } = guestStats as {
    stats?: Record<string, unknown>;
    'last-update'?: unknown;
  };
  if (!stats || lastUpdate === 0) return null;
  const total = known(stats['stat-total-memory']);
  const spare = known(stats['stat-available-memory']) ?? known(stats['stat-free-memory']);
  if (total === null || spare === null) return null;
  return { total, used: Math.max(0, total - spare) };
}

/** The balloon reports -1 for a statistic the guest did not give. */
function known(value: unknown): number | null {
  return typeof value === 'number' && value >= 0 ? value : null;
}
