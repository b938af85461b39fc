/**
 * The Hardware tab's bridge side against real QEMU (no guest): what `GET /api/vms/:id/hardware` finds on a `pc`
 * with a CD-ROM, disks, NICs, a balloon and USB; link state remembered from `set_link`; NIC hot-plug and unplug and
 * a disk unplug on `q35` with native PCIe hot-plug (DEVICE_DELETED at once), and on `pc`, where ACPI hot-plug waits
 * for a guest that never answers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EventRecord, Hardware } from '@qmpdeck/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBridge } from '../server.ts';
import { getJson, postJson, startTestBridge } from '../testing/bridge.ts';
import { startQemu, type TestQemu } from '../testing/qemu.ts';
import { waitFor } from '../testing/wait-for.ts';

const MiB = 1024 * 1024;
const PC_DEVICES = [
  ...['-smp', '2,maxcpus=4', '-drive', 'if=ide,media=cdrom,id=cd0'],
  ...[
    '-blockdev',
    'driver=null-co,node-name=vd0,size=67108864',
    '-device',
    'virtio-blk-pci,drive=vd0,id=vblk0',
  ],
  ...['-netdev', 'user,id=n0', '-device', 'virtio-net-pci,netdev=n0,id=nic0,mac=52:54:00:12:34:56'],
  ...['-netdev', 'user,id=n1', '-device', 'e1000,netdev=n1,id=nic1'],
  ...[
    '-device',
    'virtio-balloon-pci,id=bal0',
    '-device',
    'qemu-xhci,id=xhci',
    '-device',
    'usb-tablet,id=tablet',
  ],
];
/** q35 with native PCIe hot-plug, so QEMU removes a device at once without a guest; two root ports. */
const Q35_DEVICES = [
  ...['-M', 'q35', '-global', 'ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off'],
  ...['-device', 'pcie-root-port,id=rp1,chassis=1', '-device', 'pcie-root-port,id=rp2,chassis=2'],
  ...[
    '-blockdev',
    'driver=null-co,node-name=qd0,size=1048576',
    '-device',
    'virtio-blk-pci,drive=qd0,id=qdisk,bus=rp2',
  ],
];

describe('hardware', () => {
  let dir: string;
  let pc: TestQemu;
  let q35: TestQemu;
  let bridge: RunningBridge;

  const hardware = async (vm: string) =>
    Hardware.parse((await getJson(bridge, `/api/vms/${vm}/hardware`)).body);
  const execute = (vm: string, command: string, args?: Record<string, unknown>) =>
    postJson(
      bridge,
      `/api/vms/${vm}/execute`,
      args ? { execute: command, arguments: args } : { execute: command },
    );
  const remove = async (path: string) => {
    const res = await fetch(`${bridge.url}${path}`, { method: 'DELETE' });
    return { status: res.status, body: (await res.json()) as ReturnType<typeof JSON.parse> };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'qmpdeck-hardware-'));
    [pc, q35] = await Promise.all([startQemu(dir, 'pc', PC_DEVICES), startQemu(dir, 'q35', Q35_DEVICES)]);
    bridge = await startTestBridge(dir, {
      metrics: { enabled: false },
      vms: [
        { id: 'pc', qmp: { socket: pc.qmpPath } },
        { id: 'q35', qmp: { socket: q35.qmpPath } },
      ],
    });
    await waitFor(
      async () => (await getJson(bridge, '/api/vms')).body.every((vm: { status: string }) => vm.status),
      'both VMs connected',
    );
    // Native PCIe hot-plug completes an unplug at once on a running machine (in prelaunch nothing answers it).
    expect((await execute('q35', 'cont')).status).toBe(200);
  });

  afterAll(async () => {
    await bridge?.stop();
    await Promise.all([pc?.dispose(), q35?.dispose()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists drives with their model, tray and medium, NICs with MAC, netdev and rx-filter, and the other devices', async () => {
    const found = await hardware('pc');
    expect(found.errors).toEqual({});
    expect(found.disks.find((disk) => disk.drive === 'cd0')).toMatchObject({
      device: 'cd0',
      model: 'ide-cd',
      kind: 'cdrom',
      removable: true,
      trayOpen: false,
      medium: null,
      unpluggable: false,
    });
    expect(found.disks.find((disk) => disk.drive === 'vblk0')).toMatchObject({
      device: null,
      qdev: 'vblk0',
      model: 'virtio-blk-pci',
      kind: 'disk',
      removable: false,
      trayOpen: null,
      medium: { format: 'null-co', nodeName: 'vd0', readOnly: false, virtualSize: 64 * MiB },
      unpluggable: true,
    });
    expect(found.nics).toEqual([
      expect.objectContaining({
        id: 'nic0',
        linkName: 'nic0',
        model: 'virtio-net-pci',
        mac: '52:54:00:12:34:56',
        netdev: 'n0',
        link: 'unknown',
        rxFilter: expect.objectContaining({ promiscuous: expect.any(Boolean) }),
        unpluggable: true,
      }),
      expect.objectContaining({ id: 'nic1', model: 'e1000', netdev: 'n1', rxFilter: null }),
    ]);
    expect(found.pci).toContainEqual(expect.objectContaining({ class: 'Ethernet controller', qdev: 'nic0' }));
    expect(found.usb).toEqual([{ id: 'tablet', model: 'usb-tablet' }]);
    expect(found.memory).toMatchObject({ base: 64 * MiB, plugged: 0, balloon: 64 * MiB, devices: [] });
    expect(found.cpus?.present).toHaveLength(2);
    // QEMU 7.2 fills cores before sockets: -smp 2,maxcpus=4 is one socket of four cores.
    expect(found.cpus).toMatchObject({ slots: 4, topology: { sockets: 1, cores: 4, threads: 1 } });
    expect(found.hotplug).toMatchObject({ machine: 'pc-i440fx-7.2', possible: true, bus: null });
  });

  it("follows a CD-ROM's tray and a NIC's link as set through the bridge", async () => {
    expect((await execute('pc', 'eject', { device: 'cd0' })).status).toBe(200);
    expect((await hardware('pc')).disks.find((disk) => disk.drive === 'cd0')?.trayOpen).toBe(true);
    expect((await execute('pc', 'set_link', { name: 'nic0', up: false })).status).toBe(200);
    // By the netdev's name: QEMU sets the NIC behind it too.
    expect((await execute('pc', 'set_link', { name: 'n1', up: true })).status).toBe(200);
    // A refused set_link changes nothing.
    expect((await execute('pc', 'set_link', { name: 'nope', up: true })).status).toBe(400);
    const links = (await hardware('pc')).nics.map((nic) => [nic.id, nic.link]);
    expect(links).toEqual([
      ['nic0', 'down'],
      ['nic1', 'up'],
    ]);
  });

  it('hot-plugs a NIC on a free PCIe root port and unplugs it once QEMU says DEVICE_DELETED', async () => {
    expect((await hardware('q35')).hotplug).toMatchObject({
      machine: 'pc-q35-7.2',
      possible: true,
      bus: 'rp1',
    });
    const added = await postJson(bridge, '/api/vms/q35/nics', { model: 'virtio-net-pci', origin: 'test' });
    expect(added).toEqual({ status: 200, body: { device: 'hpnic0', backend: 'hpnet0' } });
    const after = await hardware('q35');
    expect(after.nics).toEqual([
      expect.objectContaining({ id: 'hpnic0', netdev: 'hpnet0', model: 'virtio-net-pci' }),
    ]);
    // rp1 now holds it and rp2 the disk: nowhere left to plug.
    expect(after.hotplug.possible).toBe(false);
    const full = await postJson(bridge, '/api/vms/q35/nics', {});
    expect(full).toMatchObject({ status: 409, body: { error: { class: 'Conflict' } } });

    expect(await remove('/api/vms/q35/nics/hpnic0')).toEqual({
      status: 200,
      body: { device: 'hpnic0', backend: 'hpnet0' },
    });
    expect((await hardware('q35')).nics).toEqual([]);
    const events = (await getJson(bridge, '/api/vms/q35/events?limit=1000')).body.events as EventRecord[];
    const deleted = events.find(
      (event) => event.event === 'DEVICE_DELETED' && event.data?.device === 'hpnic0',
    );
    expect(deleted?.cause).toMatchObject({ command: 'device.nic-remove', origin: 'Hardware tab' });
  });

  it('unplugs a hot-plugged disk and deletes the node it was added with', async () => {
    // Plugged by hand (a person's blockdev-add and device_add) on the root port the NIC left free.
    const node = { driver: 'null-co', 'node-name': 'hd0', size: 1048576 };
    expect((await execute('q35', 'blockdev-add', node)).status).toBe(200);
    const device = { driver: 'virtio-blk-pci', drive: 'hd0', id: 'hdisk', bus: 'rp1' };
    expect((await execute('q35', 'device_add', device)).status).toBe(200);
    expect((await hardware('q35')).disks.find((disk) => disk.drive === 'hdisk')).toMatchObject({
      model: 'virtio-blk-pci',
      unpluggable: true,
      medium: { nodeName: 'hd0' },
    });
    expect(await remove('/api/vms/q35/disks/hdisk')).toEqual({
      status: 200,
      body: { device: 'hdisk', backend: 'hd0' },
    });
    const nodes = (await execute('q35', 'query-named-block-nodes')).body.return as { 'node-name': string }[];
    expect(nodes.map((entry) => entry['node-name'])).not.toContain('hd0');
    expect((await hardware('q35')).disks.map((disk) => disk.drive)).not.toContain('hdisk');
  });

  it('says the guest has not let go when ACPI hot-plug gets no answer, and refuses what is not there', async () => {
    const waiting = await remove('/api/vms/pc/nics/nic1?wait=1');
    expect(waiting.status).toBe(504);
    expect(waiting.body.error).toMatchObject({
      class: 'Timeout',
      desc: expect.stringContaining('has not let go of nic1'),
    });
    // The device is still there (QEMU waits for the guest), and so is its netdev.
    expect((await hardware('pc')).nics.map((nic) => nic.id)).toContain('nic1');
    expect(await remove('/api/vms/pc/disks/nothing')).toMatchObject({
      status: 404,
      body: { error: { class: 'NotFound' } },
    });
    expect(await remove('/api/vms/pc/nics/nothing')).toMatchObject({
      status: 400,
      body: { error: { class: 'DeviceNotFound' } },
    });
    const bad = await postJson(bridge, '/api/vms/pc/nics', { model: 'token-ring' });
    expect(bad).toMatchObject({ status: 400, body: { error: { class: 'BadRequest' } } });
  });
});
