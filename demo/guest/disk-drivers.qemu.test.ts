/**
 * The demo guest sees the disks a VM definition can give it: one VM with a virtio-blk, a virtio-scsi, a SATA (AHCI)
 * and an IDE disk, a CD-ROM holding an ISO, a memory balloon and a virtio RNG. Inside the guest (through the agent)
 * each disk shows up as a block device and takes a 64 MiB `dd ... oflag=direct`; QEMU's own `query-blockstats`
 * confirms the writes reached the drive they were meant for.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GuestAgentClient } from '../../packages/qmp/src/index.ts';
import { guestExec } from '../testing/guest-exec.ts';
import { type GuestVm, launchGuestVm } from '../testing/guest-vm.ts';
import { nextEvent } from '../testing/next-event.ts';
import { accelArgs, findDemoGuest } from './cache.ts';

const guest = findDemoGuest();
if (guest === null)
  console.warn(
    'the demo guest is not built (run: node --import tsx demo/guest/build.ts); disk tests skipped',
  );
const MiB = 1024 * 1024;

/** One disk per bus; distinct sizes tell them apart inside the guest. */
const DISKS = [
  {
    bus: 'virtio-blk',
    drive: 'd-virtio',
    sizeMiB: 80,
    device: (drive: string) => [`virtio-blk-pci,drive=${drive}`],
  },
  {
    bus: 'virtio-scsi',
    drive: 'd-scsi',
    sizeMiB: 81,
    device: (drive: string) => ['virtio-scsi-pci,id=scsi0', `scsi-hd,bus=scsi0.0,drive=${drive}`],
  },
  {
    bus: 'SATA (AHCI)',
    drive: 'd-sata',
    sizeMiB: 82,
    device: (drive: string) => ['ahci,id=ahci0', `ide-hd,bus=ahci0.0,drive=${drive}`],
  },
  {
    bus: 'IDE (PIIX)',
    drive: 'd-ide',
    sizeMiB: 83,
    device: (drive: string) => [`ide-hd,bus=ide.0,drive=${drive}`],
  },
] as const;

function run(argv: string[]): void {
  const [program, ...args] = argv;
  const result = spawnSync(program ?? '', args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${argv.join(' ')} failed: ${result.stderr || result.error}`);
}

async function blockDevicesBySize(agent: GuestAgentClient): Promise<Map<number, string>> {
  const names = (await guestExec(agent, ['/bin/ls', '/sys/block'])).stdout.split(/\s+/).filter(Boolean);
  const bySize = new Map<number, string>();
  for (const name of names) {
    const sectors = Number((await guestExec(agent, ['/bin/cat', `/sys/block/${name}/size`])).stdout.trim());
    bySize.set((sectors * 512) / MiB, name);
  }
  return bySize;
}

async function bytesWritten(vm: GuestVm, drive: string): Promise<number> {
  const stats = (await vm.qmp.execute('query-blockstats')) as {
    device: string;
    stats: { wr_bytes: number };
  }[];
  const entry = stats.find((candidate) => candidate.device === drive);
  if (entry === undefined) throw new Error(`query-blockstats has no drive ${drive}`);
  return entry.stats.wr_bytes;
}

describe.skipIf(guest === null)('the demo guest with disks on every bus', () => {
  let dir: string;
  let vm: GuestVm;
  let agent: GuestAgentClient;
  let devices: Map<number, string>;

  beforeAll(async () => {
    if (guest === null) return;
    dir = mkdtempSync(join(tmpdir(), 'qmpdeck-disks-'));
    const args = [
      ...['-M', 'pc', '-m', '128', '-nodefaults', '-vga', 'std', ...accelArgs(guest)],
      ...['-kernel', guest.kernel, '-initrd', guest.initrd, '-append', 'console=ttyS0 quiet'],
    ];
    for (const disk of DISKS) {
      const image = join(dir, `${disk.drive}.qcow2`);
      run(['qemu-img', 'create', '-q', '-f', 'qcow2', image, `${disk.sizeMiB}M`]);
      args.push('-drive', `if=none,id=${disk.drive},file=${image},format=qcow2,cache=none`);
      for (const device of disk.device(disk.drive)) args.push('-device', device);
    }
    // A CD-ROM on the second IDE channel, holding a small ISO 9660 image made here.
    mkdirSync(join(dir, 'cd'));
    writeFileSync(join(dir, 'cd', 'hello.txt'), 'hello from the CD\n');
    run(['xorriso', '-as', 'mkisofs', '-quiet', '-V', 'QMPDECK', '-o', join(dir, 'cd.iso'), join(dir, 'cd')]);
    args.push('-drive', `if=none,id=cd0,media=cdrom,readonly=on,file=${join(dir, 'cd.iso')}`);
    args.push('-device', 'ide-cd,bus=ide.1,drive=cd0');
    args.push('-device', 'virtio-balloon-pci,id=balloon0');
    args.push('-object', 'rng-random,id=rng0,filename=/dev/urandom', '-device', 'virtio-rng-pci,rng=rng0');
    vm = await launchGuestVm(args);
    agent = await vm.agent();
    devices = await blockDevicesBySize(agent);
  });

  afterAll(async () => {
    await vm?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('shows each disk as a block device: vda on virtio-blk, sdX on SCSI, SATA and IDE', () => {
    const seen = Object.fromEntries(DISKS.map((disk) => [disk.bus, devices.get(disk.sizeMiB)]));
    expect(seen).toEqual({
      'virtio-blk': 'vda',
      'virtio-scsi': expect.stringMatching(/^sd[a-z]$/),
      'SATA (AHCI)': expect.stringMatching(/^sd[a-z]$/),
      'IDE (PIIX)': expect.stringMatching(/^sd[a-z]$/),
    });
    expect(new Set(Object.values(seen)).size).toBe(DISKS.length);
  });

  it.each(DISKS)(
    'takes a 64 MiB dd with oflag=direct on its $bus disk, counted by QEMU on that drive',
    async (disk) => {
      const device = devices.get(disk.sizeMiB);
      expect(device).toBeDefined();
      const before = await bytesWritten(vm, disk.drive);
      const dd = await guestExec(agent, [
        '/bin/dd',
        'if=/dev/zero',
        `of=/dev/${device}`,
        'bs=1M',
        'count=64',
        'oflag=direct',
      ]);
      expect(dd).toMatchObject({ exitCode: 0, stderr: expect.stringContaining('64+0 records out') });
      expect((await bytesWritten(vm, disk.drive)) - before).toBeGreaterThanOrEqual(64 * MiB);
    },
  );

  it('mounts the ISO in the CD-ROM drive and reads its file', async () => {
    expect((await guestExec(agent, ['/bin/mkdir', '-p', '/mnt/cd'])).exitCode).toBe(0);
    const mount = await guestExec(agent, ['/bin/mount', '-t', 'iso9660', '-o', 'ro', '/dev/sr0', '/mnt/cd']);
    expect(mount).toMatchObject({ exitCode: 0 });
    expect((await guestExec(agent, ['/bin/cat', '/mnt/cd/hello.txt'])).stdout).toBe('hello from the CD\n');
  });

  it('draws its VGA console on a framebuffer, as PVH-booted Linux has no VGA text mode', async () => {
    expect((await guestExec(agent, ['/bin/cat', '/proc/fb'])).stdout).toMatch(/^0 bochs-drmdrmfb$/m);
  });

  it('takes entropy from the virtio RNG', async () => {
    const current = await guestExec(agent, ['/bin/cat', '/sys/class/misc/hw_random/rng_current']);
    expect(current.stdout.trim()).toMatch(/^virtio_rng/);
    const read = await guestExec(agent, ['/bin/dd', 'if=/dev/hwrng', 'of=/dev/null', 'bs=64', 'count=4']);
    expect(read).toMatchObject({ exitCode: 0, stderr: expect.stringContaining('4+0 records in') });
  });

  it('gives memory back to a balloon target', async () => {
    // QEMU reports BALLOON_CHANGE only when the guest's driver hands pages over, so the event proves the driver.
    const shrunk = nextEvent(
      vm.qmp,
      'BALLOON_CHANGE',
      (event) => (event.data as { actual: number }).actual <= 114 * MiB,
    );
    // 16 MiB back from a guest whose kernel sees ~80 MiB of its 128: room for it even after the disk tests.
    await vm.qmp.execute('balloon', { value: 112 * MiB });
    await shrunk;
    const { actual } = (await vm.qmp.execute('query-balloon')) as { actual: number };
    expect(actual).toBeLessThanOrEqual(114 * MiB);
    await vm.qmp.execute('balloon', { value: 128 * MiB });
  });
});
