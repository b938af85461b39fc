/**
 * `device.disk-add` (`POST /api/vms/:id/disks` { image: "STORAGE:FILE", readOnly? }): hot-plugs an image from a
 * storage location as a virtio disk. The reference is resolved inside a location holding disks (nothing outside
 * it, no `..`, no symlink out), the image must be qcow2 or raw and stand alone (`qemu-img info`: a backing file
 * would be opened with it) and be no other VM's (409 `InUse`); all of that before QEMU is asked anything.
 *
 * Then, on the VM's live connection as one audited action: `blockdev-add` of a format node `hpimgN` over a file
 * node, and `device_add` of `virtio-blk-pci` `hpdiskN` on a free PCIe root port (q35) or the PCI bus (pc); the
 * node is deleted again if the device is refused. `device.disk-remove` undoes both.
 */
import { BridgeErrorClass, type DeviceChange, DiskAddRequest } from '@qmpdeck/protocol';
import type { ArgsOf, QmpClient } from '@qmpdeck/qmp';
import { BridgeError } from '../bridge-error.ts';
import type { CommandRequest } from '../commands/command-request.ts';
import type { Images } from '../definitions/images.ts';
import type { VmSupervisor } from '../vms/vm-supervisor.ts';
import { hotplugTarget, liveClient, parseArgs, step, withProperties } from './device-actions.ts';
import { claimImage } from './image-claim.ts';
import { peripheralsFrom } from './nics.ts';

const DiskAddArgs = DiskAddRequest.omit({ origin: true });
/** Past this many hot-plugged disks the names are surely not the reason a plug fails. */
const MAX_DISKS = 64;

export async function addDisk(
  images: Images,
  vm: VmSupervisor,
  request: CommandRequest,
): Promise<DeviceChange> {
  const { image, readOnly = false } = parseArgs(DiskAddArgs, request.arguments ?? {}, 'device.disk-add');
  const disk = await images.disk(image, undefined, 'image');
  // A read-only disk may not share either: another VM writing under it would corrupt what this one reads.
  await claimImage(images, request.principal, { path: disk.path, as: 'disk', vm: vm.id, ref: image });
  const client = liveClient(vm);
  const place = await hotplugTarget(client);
  const { device, node } = await freeNames(client);
  await step(client, 'blockdev-add', {
    driver: disk.format,
    'node-name': node,
    'read-only': readOnly,
    file: { driver: 'file', filename: disk.path },
  } as ArgsOf<'blockdev-add'>);
  try {
    await step(
      client,
      'device_add',
      withProperties(
        { driver: 'virtio-blk-pci', id: device },
        { drive: node, ...(place.bus === null ? {} : { bus: place.bus }) },
      ),
    );
  } catch (err) {
    await step(client, 'blockdev-del', { 'node-name': node }).catch(() => undefined);
    throw err;
  }
  return { device, backend: node };
}

/** The first `hpdiskN` / `hpimgN` pair with neither the device id nor the node name taken. */
async function freeNames(client: QmpClient): Promise<{ device: string; node: string }> {
  const devices = new Set(
    peripheralsFrom(
      '/machine/peripheral',
      await step(client, 'qom-list', { path: '/machine/peripheral' }),
    ).map((peripheral) => peripheral.name),
  );
  const nodes = new Set(
    (await step(client, 'query-named-block-nodes', { flat: true })).map((node) => node['node-name']),
  );
  for (let n = 0; n < MAX_DISKS; n++) {
    const names = { device: `hpdisk${n}`, node: `hpimg${n}` };
    if (!devices.has(names.device) && !nodes.has(names.node)) return names;
  }
  throw new BridgeError(
    BridgeErrorClass.Conflict,
    `cannot hot-plug: hpdisk0..hpdisk${MAX_DISKS - 1} are all taken`,
    409,
  );
}
