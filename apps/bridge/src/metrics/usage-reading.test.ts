import { describe, expect, it } from 'vitest';
import { diskCounters, driveName, guestMemoryFrom, netCounters } from './qmp-readings.ts';
import { type UsageReading, usageValues } from './usage-reading.ts';

const reading = (overrides: Partial<UsageReading>): UsageReading => ({
  at: 0,
  processTicks: null,
  vcpuTicks: null,
  rssBytes: null,
  balloonBytes: null,
  guestMemory: null,
  disks: new Map(),
  nets: new Map(),
  ...overrides,
});

describe('usageValues', () => {
  it('gives levels at once and rates from the second reading on', () => {
    const first = reading({ at: 1000, processTicks: 100, vcpuTicks: 50, rssBytes: 300, balloonBytes: 128 });
    expect(usageValues(null, first)).toEqual({ memory: 300, 'memory.balloon': 128 });
    // 5 s later: 250 more ticks of the process (2.5 s of CPU: 50% of a core), 400 of the vCPUs (80%).
    const second = reading({ at: 6000, processTicks: 350, vcpuTicks: 450, rssBytes: 310 });
    expect(usageValues(first, second)).toEqual({ memory: 310, cpu: 50, 'cpu.vcpus': 80 });
  });

  it('makes per-second rates of disk and network counters, and none for a counter that went back', () => {
    const disks = (read: number) =>
      new Map([['vda', { readBytes: read, writeBytes: 0, readOps: read / 512, writeOps: 0 }]]);
    const nets = (rx: number) =>
      new Map([['eth0', { rxBytes: rx, txBytes: 10, rxPackets: 2, txPackets: 1 }]]);
    const a = reading({ at: 0, disks: disks(0), nets: nets(1000) });
    const b = reading({ at: 2000, disks: disks(1024 * 1024), nets: nets(500) });
    expect(usageValues(a, b)).toEqual({
      'disk.vda.read': 524288,
      'disk.vda.write': 0,
      'disk.vda.readOps': 1024,
      'disk.vda.writeOps': 0,
      'net.eth0.tx': 0,
      'net.eth0.rxPackets': 0,
      'net.eth0.txPackets': 0,
    });
  });

  it('gives the guest view when the balloon reports it', () => {
    expect(usageValues(null, reading({ guestMemory: { total: 80, used: 30 } }))).toEqual({
      'memory.guest.used': 30,
      'memory.guest.total': 80,
    });
  });
});

describe('readings from QEMU and the agent', () => {
  it('names drives by backend, else by qdev id', () => {
    expect(driveName({ device: 'cd0', qdev: '/machine/unattached/device[18]' })).toBe('cd0');
    expect(driveName({ device: '', qdev: '/machine/peripheral/vblk0/virtio-backend' })).toBe('vblk0');
    expect(driveName({ device: '', qdev: 'cdrom2' })).toBe('cdrom2');
    expect(driveName({ device: '' })).toBeNull();
  });

  it('counts drives with a medium only', () => {
    const stats = (node?: string) => ({
      stats: { rd_bytes: 512, wr_bytes: 0, rd_operations: 1, wr_operations: 0 },
      ...(node ? { 'node-name': node } : {}),
    });
    const disks = diskCounters([
      { device: 'cd0', ...stats() },
      { device: '', qdev: '/machine/peripheral/vblk0/virtio-backend', ...stats('disk0') },
    ] as never);
    expect([...disks.keys()]).toEqual(['vblk0']);
    expect(disks.get('vblk0')).toEqual({ readBytes: 512, writeBytes: 0, readOps: 1, writeOps: 0 });
  });

  it('reads interface statistics from guest-network-get-interfaces, leaving out lo', () => {
    // The demo guest's answer (qemu-ga 7.2).
    const answer = [
      {
        name: 'lo',
        statistics: { 'tx-packets': 0, 'rx-bytes': 0, 'rx-packets': 0, 'tx-bytes': 0 },
        'hardware-address': '00:00:00:00:00:00',
      },
      {
        name: 'eth0',
        statistics: { 'tx-packets': 4, 'tx-errs': 0, 'rx-bytes': 1180, 'rx-packets': 2, 'tx-bytes': 864 },
        'hardware-address': '52:54:00:12:34:56',
      },
      { name: 'eth1' },
    ];
    expect(netCounters(answer)).toEqual(
      new Map([['eth0', { rxBytes: 1180, txBytes: 864, rxPackets: 2, txPackets: 4 }]]),
    );
    expect(netCounters(null).size).toBe(0);
  });

  it("reads the guest's memory from virtio-balloon statistics", () => {
    // The demo guest's answer with guest-stats-polling-interval=2.
    const stats = {
      stats: {
        'stat-available-memory': 43446272,
        'stat-free-memory': 37199872,
        'stat-total-memory': 83890176,
      },
      'last-update': 1796520314,
    };
    expect(guestMemoryFrom(stats)).toEqual({ total: 83890176, used: 83890176 - 43446272 });
    expect(guestMemoryFrom({ stats: { 'stat-total-memory': -1 }, 'last-update': 0 })).toBeNull();
    expect(
      guestMemoryFrom({
        stats: { 'stat-total-memory': 10, 'stat-available-memory': -1, 'stat-free-memory': 4 },
        'last-update': 5,
      }),
    ).toEqual({ total: 10, used: 6 });
  });
});
