/**
 * Media and disk hot-plug from the storage locations against real QEMU (no guest): a paused `q35` with an empty
 * CD-ROM and a free PCIe root port (native PCIe hot-plug: QEMU 7.2 completes the unplug of a device no guest has
 * taken over at once), and a second VM, a paused `pc`, holding a disk image open, with a floppy drive (ACPI
 * hot-plug: an unplug waits for a guest that never answers). Images are real files; qcow2 ones made by qemu-img.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EventRecord, Hardware } from '@qmpdeck/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBridge } from '../server.ts';
import { getJson, postJson, startTestBridge } from '../testing/bridge.ts';
import { startQemu, type TestQemu } from '../testing/qemu.ts';
import { waitFor } from '../testing/wait-for.ts';

const MiB = 1024 * 1024;
const Q35_DEVICES = [
  ...['-M', 'q35', '-global', 'ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off'],
  ...['-device', 'ide-cd,id=cd0,bus=ide.1'],
  ...['-device', 'pcie-root-port,id=rp1,chassis=1'],
];

interface Block {
  device: string;
  qdev?: string;
  tray_open?: boolean;
  inserted?: { file: string; ro: boolean; drv: string; 'node-name'?: string };
}

describe('media and disks from the storage locations', () => {
  let dir: string;
  let isos: string;
  let disks: string;
  let q35: TestQemu;
  let holder: TestQemu;
  let bridge: RunningBridge;

  const execute = (vm: string, command: string, args?: Record<string, unknown>) =>
    postJson(
      bridge,
      `/api/vms/${vm}/execute`,
      args ? { execute: command, arguments: args } : { execute: command },
    );
  const blocks = async () => (await execute('q35', 'query-block')).body.return as Block[];
  const cd0 = async () => (await blocks()).find((block) => block.qdev === 'cd0');
  const hardware = async () => Hardware.parse((await getJson(bridge, '/api/vms/q35/hardware')).body);
  const events = async () =>
    (await getJson(bridge, '/api/vms/q35/events?limit=1000')).body.events as EventRecord[];
  const media = (body: Record<string, unknown>) => postJson(bridge, '/api/vms/q35/media', body);
  const remove = async (path: string) => {
    const res = await fetch(`${bridge.url}${path}`, { method: 'DELETE' });
    return { status: res.status, body: (await res.json()) as ReturnType<typeof JSON.parse> };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'qmpdeck-storage-media-'));
    isos = join(dir, 'isos');
    disks = join(dir, 'disks');
    mkdirSync(isos);
    mkdirSync(disks);
    writeFileSync(join(isos, 'first.iso'), Buffer.alloc(MiB, 1));
    writeFileSync(join(isos, 'second.iso'), Buffer.alloc(2 * MiB, 2));
    writeFileSync(join(dir, 'outside.iso'), Buffer.alloc(MiB, 3));
    symlinkSync(join(dir, 'outside.iso'), join(isos, 'escape.iso'));
    symlinkSync(join(dir, 'outside.iso'), join(disks, 'escape.img'));
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', join(disks, 'data.qcow2'), '32M']);
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', join(disks, 'held.qcow2'), '16M']);
    writeFileSync(join(disks, 'floppy.img'), Buffer.alloc(1440 * 1024));
    [q35, holder] = await Promise.all([
      startQemu(dir, 'q35', Q35_DEVICES),
      startQemu(dir, 'holder', [
        ...['-drive', `if=none,id=held,format=qcow2,file=${join(disks, 'held.qcow2')}`],
        ...['-drive', 'if=floppy,id=fd0'],
      ]),
    ]);
    bridge = await startTestBridge(dir, {
      metrics: { enabled: false },
      storage: [
        { id: 'isos', path: isos, content: ['iso'] },
        { id: 'disks', path: disks, content: ['disk'] },
      ],
      vms: [
        { id: 'q35', qmp: { socket: q35.qmpPath } },
        { id: 'holder', qmp: { socket: holder.qmpPath } },
      ],
    });
    await waitFor(
      async () => (await getJson(bridge, '/api/vms')).body.every((vm: { status: string }) => vm.status),
      'both VMs connected',
    );
  });

  afterAll(async () => {
    await bridge?.stop();
    await Promise.all([q35?.dispose(), holder?.dispose()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('inserts an ISO in the empty CD-ROM and changes it, with the tray events and the new file', async () => {
    expect((await hardware()).disks.find((disk) => disk.drive === 'cd0')).toMatchObject({
      kind: 'cdrom',
      medium: null,
    });
    expect(await media({ drive: 'cd0', image: 'isos:first.iso', origin: 'test' })).toEqual({
      status: 200,
      body: { drive: 'cd0', image: 'isos:first.iso' },
    });
    expect((await cd0())?.inserted).toMatchObject({ file: join(isos, 'first.iso'), ro: true, drv: 'raw' });
    expect((await hardware()).disks.find((disk) => disk.drive === 'cd0')).toMatchObject({
      trayOpen: false,
      medium: { file: join(isos, 'first.iso'), readOnly: true, virtualSize: MiB },
    });

    expect((await media({ drive: 'cd0', image: 'isos:second.iso' })).status).toBe(200);
    expect((await cd0())?.inserted?.file).toBe(join(isos, 'second.iso'));
    // Each change opened the tray and closed it again, caused by the caller's blockdev-change-medium.
    await waitFor(
      async () =>
        (await events()).filter((event) => event.event === 'DEVICE_TRAY_MOVED' && event.data?.id === 'cd0')
          .length >= 4,
      'two opens and two closes of the tray',
    );
    const trays = (await events()).filter((event) => event.event === 'DEVICE_TRAY_MOVED');
    expect(trays.map((event) => event.data?.['tray-open'])).toEqual([true, false, true, false]);
    expect(trays[0]?.cause).toMatchObject({ command: 'blockdev-change-medium', origin: 'test' });
    expect(trays[2]?.cause).toMatchObject({ command: 'blockdev-change-medium', origin: 'Hardware tab' });

    // Emptied: the tray opens and the medium is gone.
    expect(await media({ drive: 'cd0', image: null })).toEqual({
      status: 200,
      body: { drive: 'cd0', image: null },
    });
    expect(await cd0()).toMatchObject({ tray_open: true });
    expect((await cd0())?.inserted).toBeUndefined();
    expect((await media({ drive: 'cd0', image: 'isos:first.iso' })).status).toBe(200);
  });

  it('refuses an image outside the storage locations and changes nothing', async () => {
    const refusals: [Record<string, unknown>, number, string, string | RegExp][] = [
      [{ drive: 'cd0', image: 'isos:escape.iso' }, 400, 'BadRequest', /link to outside storage "isos"/],
      [{ drive: 'cd0', image: 'isos:..' }, 400, 'BadRequest', /image/],
      [{ drive: 'cd0', image: 'isos:../outside.iso' }, 400, 'BadRequest', /STORAGE:FILE/],
      [{ drive: 'cd0', image: `isos:${join(dir, 'outside.iso')}` }, 400, 'BadRequest', /STORAGE:FILE/],
      [{ drive: 'cd0', image: 'isos:missing.iso' }, 400, 'BadRequest', /no file "missing.iso"/],
      [{ drive: 'cd0', image: 'nowhere:first.iso' }, 400, 'BadRequest', /no storage location "nowhere"/],
      [{ drive: 'cd0', image: 'disks:data.qcow2' }, 400, 'BadRequest', /does not hold ISOs/],
      [{ drive: 'nodrive', image: 'isos:second.iso' }, 404, 'NotFound', /no drive "nodrive"/],
    ];
    for (const [body, status, errorClass, desc] of refusals) {
      const answer = await media(body);
      expect(answer, JSON.stringify(body)).toMatchObject({ status, body: { error: { class: errorClass } } });
      expect(answer.body.error.desc).toMatch(desc);
    }
    expect((await cd0())?.inserted?.file).toBe(join(isos, 'first.iso'));
  });

  it('hot-plugs a disk image, lists it, refuses one in use or outside, and unplugs it on DEVICE_DELETED', async () => {
    const held = await postJson(bridge, '/api/vms/q35/disks', { image: 'disks:held.qcow2' });
    expect(held).toMatchObject({ status: 409, body: { error: { class: 'InUse' } } });
    expect(held.body.error.desc).toContain('"holder"');
    const linkOut = await postJson(bridge, '/api/vms/q35/disks', { image: 'disks:escape.img' });
    expect(linkOut).toMatchObject({ status: 400, body: { error: { class: 'BadRequest' } } });
    const iso = await postJson(bridge, '/api/vms/q35/disks', { image: 'isos:first.iso' });
    expect(iso.body.error.desc).toMatch(/does not hold disks/);
    expect((await blocks()).map((block) => block.qdev)).toEqual(['cd0']);

    const added = await postJson(bridge, '/api/vms/q35/disks', { image: 'disks:data.qcow2', origin: 'test' });
    expect(added).toEqual({ status: 200, body: { device: 'hpdisk0', backend: 'hpimg0' } });
    const plugged = (await blocks()).find((block) => block.qdev?.includes('hpdisk0'));
    expect(plugged?.inserted).toMatchObject({
      file: join(disks, 'data.qcow2'),
      drv: 'qcow2',
      ro: false,
      'node-name': 'hpimg0',
    });
    expect((await hardware()).disks.find((disk) => disk.drive === 'hpdisk0')).toMatchObject({
      model: 'virtio-blk-pci',
      kind: 'disk',
      unpluggable: true,
      medium: { file: join(disks, 'data.qcow2'), format: 'qcow2', virtualSize: 32 * MiB },
    });
    // Now this VM's: the holder may not have it (QEMU's own lock would refuse too, but the bridge says who).
    const second = await postJson(bridge, '/api/vms/holder/disks', { image: 'disks:data.qcow2' });
    expect(second).toMatchObject({ status: 409, body: { error: { class: 'InUse' } } });

    // Native PCIe hot-plug (QEMU 7.2): a device plugged into a slot no guest has taken over goes at once, even in
    // this paused machine; the route answers only once QEMU said DEVICE_DELETED, and then deletes the node.
    expect(await remove('/api/vms/q35/disks/hpdisk0')).toEqual({
      status: 200,
      body: { device: 'hpdisk0', backend: 'hpimg0' },
    });
    const deleted = (await events()).find(
      (event) => event.event === 'DEVICE_DELETED' && event.data?.device === 'hpdisk0',
    );
    expect(deleted?.cause).toMatchObject({ command: 'device.disk-remove' });
    const nodes = (await execute('q35', 'query-named-block-nodes')).body.return as { 'node-name': string }[];
    expect(nodes.map((node) => node['node-name'])).not.toContain('hpimg0');
    expect((await hardware()).disks.map((disk) => disk.drive)).toEqual(['cd0']);
    // Free again: the same image plugs a second time under the first free names.
    const again = await postJson(bridge, '/api/vms/q35/disks', { image: 'disks:data.qcow2' });
    expect(again).toEqual({ status: 200, body: { device: 'hpdisk0', backend: 'hpimg0' } });
  });

  it('gives a floppy an image of a disk location, writable, or an ISO read-only', async () => {
    const floppy = async () =>
      ((await execute('holder', 'query-block')).body.return as Block[]).find(
        (block) => block.device === 'fd0',
      );
    const insert = await postJson(bridge, '/api/vms/holder/media', {
      drive: 'fd0',
      image: 'disks:floppy.img',
    });
    expect(insert).toEqual({ status: 200, body: { drive: 'fd0', image: 'disks:floppy.img' } });
    expect((await floppy())?.inserted).toMatchObject({
      file: join(disks, 'floppy.img'),
      ro: false,
      drv: 'raw',
    });
    expect(
      (await postJson(bridge, '/api/vms/holder/media', { drive: 'fd0', image: 'isos:first.iso' })).status,
    ).toBe(200);
    expect((await floppy())?.inserted).toMatchObject({ file: join(isos, 'first.iso'), ro: true });
    // A drive without a device (QEMU calls its backend removable) takes no media: nothing changes.
    const fixed = await postJson(bridge, '/api/vms/holder/media', { drive: 'held', image: 'isos:first.iso' });
    expect(fixed).toMatchObject({ status: 400, body: { error: { class: 'BadRequest' } } });
    expect(fixed.body.error.desc).toMatch(/not a removable drive/);
    const held = ((await execute('holder', 'query-block')).body.return as Block[]).find(
      (block) => block.device === 'held',
    );
    expect(held?.inserted?.file).toBe(join(disks, 'held.qcow2'));
  });

  it('keeps a disk and its node while the guest has not let go (ACPI hot-plug on pc, no guest)', async () => {
    execFileSync('qemu-img', ['create', '-q', '-f', 'raw', join(disks, 'acpi.img'), '8M']);
    const added = await postJson(bridge, '/api/vms/holder/disks', {
      image: 'disks:acpi.img',
      readOnly: true,
    });
    expect(added).toEqual({ status: 200, body: { device: 'hpdisk0', backend: 'hpimg0' } });
    const plugged = async () =>
      ((await execute('holder', 'query-block')).body.return as Block[]).find((block) =>
        block.qdev?.includes('hpdisk0'),
      );
    expect((await plugged())?.inserted).toMatchObject({ drv: 'raw', ro: true, 'node-name': 'hpimg0' });
    const waiting = await remove('/api/vms/holder/disks/hpdisk0?wait=1');
    expect(waiting).toMatchObject({ status: 504, body: { error: { class: 'Timeout' } } });
    expect(waiting.body.error.desc).toContain('has not let go of hpdisk0');
    // No DEVICE_DELETED: the device and the node it uses are both still there.
    expect((await plugged())?.inserted?.['node-name']).toBe('hpimg0');
  });
});
