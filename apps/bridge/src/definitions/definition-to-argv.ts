/**
 * A VM definition -> QEMU's argv: one pure function, so every option and combination is tested without QEMU.
 * Everything it needs from the world (where the images are, their formats, the firmware's files, which
 * accelerators work, the VM's runtime directory) comes in `context`, resolved just before a start.
 *
 * The shape: `-name`, the machine (with UEFI's pflash nodes), accelerators, CPU, memory, `-nodefaults` (nothing
 * QEMU would add by itself), q35's PCIe root ports for later hot-plug, disk and CD-ROM `-blockdev` node pairs
 * with their devices (explicit node names, so QMP commands can name them: `disk0` over `disk0-file`,
 * `cdrom0-media` over `cdrom0-file`), NICs, the display, the serial port, the guest agent's channel, a balloon, a
 * USB tablet, then the user's `extraArgs`. QMP and the pidfile are added by the launcher. Values that come from
 * people (paths, bridge names) have their commas doubled, QEMU's escape in `key=value,...` options.
 */
import type { DiskDefinition, NicDefinition, PortForward, VmDefinition } from '@qmpdeck/protocol';
import { AGENT_SOCKET_NAME, agentChannelArgs } from '../guest/agent-channel.ts';
import { drivesOf, placeDrives, type Slot } from './controller-slots.ts';

export interface ArgvContext {
  /** The VM's runtime directory: its VNC, serial and guest agent sockets go there. */
  runtimeDir: string;
  /** Per disk of the definition, in order: the image's path and format. */
  disks: readonly { path: string; format: 'qcow2' | 'raw' }[];
  /** Per CD-ROM drive, in order: the ISO's path, or null for an empty drive. */
  cdroms: readonly (string | null)[];
  /** UEFI only: OVMF's code (read-only) and this VM's own variables store. */
  firmware: { code: string; vars: string } | null;
  /** In `-accel` order: ['kvm', 'tcg'] where /dev/kvm works, else ['tcg']. */
  accelerators: readonly string[];
}

export const VNC_SOCKET_FILE = 'vnc.sock';
export const SERIAL_SOCKET_FILE = 'serial.sock';
/** Empty PCIe root ports on q35, so devices can be hot-plugged later (`device_add ...,bus=rp1`). */
export const ROOT_PORTS = 4;

/** `,` doubled: QEMU's escape inside a `key=value,...` option. */
export function escapeOption(value: string): string {
  return value.replaceAll(',', ',,');
}

export function definitionToArgv(definition: VmDefinition, context: ArgvContext): string[] {
  const placed = placeDrives(definition.machine, drivesOf(definition));
  if (!('slots' in placed)) throw new Error(`${placed.field}: ${placed.message}`);
  const slots = placed.slots;
  const diskSlots = slots.slice(0, definition.disks.length);
  const cdromSlots = slots.slice(definition.disks.length);
  const boot = bootIndexes(definition);
  return [
    ...['-name', `${definition.id},debug-threads=on`],
    ...machineArgs(definition, context),
    ...context.accelerators.flatMap((accel) => ['-accel', accel]),
    ...['-cpu', definition.cpuModel],
    ...['-smp', String(definition.cpus)],
    ...['-m', String(definition.memoryMiB)],
    '-nodefaults',
    ...rootPortArgs(definition),
    ...controllerArgs(slots),
    ...definition.disks.flatMap((disk, index) =>
      diskArgs(disk, index, context.disks[index], diskSlots[index] as Slot, boot.disks[index] as number),
    ),
    ...definition.cdroms.flatMap((cdrom, index) =>
      cdromArgs(
        cdrom.bus,
        index,
        context.cdroms[index] ?? null,
        cdromSlots[index] as Slot,
        boot.cdroms[index] as number,
      ),
    ),
    ...definition.nics.flatMap((nic, index) => nicArgs(nic, index)),
    ...displayArgs(definition, context.runtimeDir),
    ...(definition.serial ? serialArgs(context.runtimeDir) : []),
    ...(definition.guestAgent ? agentChannelArgs(`${context.runtimeDir}/${AGENT_SOCKET_NAME}`) : []),
    ...['-device', 'virtio-balloon-pci,id=balloon0'],
    ...(definition.display === 'vnc'
      ? ['-device', 'qemu-xhci,id=usb0', '-device', 'usb-tablet,bus=usb0.0,id=tablet0']
      : []),
    ...definition.extraArgs,
  ];
}

function machineArgs(definition: VmDefinition, context: ArgvContext): string[] {
  if (definition.firmware === 'bios') return ['-machine', definition.machine];
  const firmware = context.firmware;
  if (firmware === null) throw new Error('firmware: UEFI needs the firmware files in the context');
  return [
    ...['-blockdev', `driver=file,node-name=ovmf-code,filename=${escapeOption(firmware.code)},read-only=on`],
    ...['-blockdev', `driver=file,node-name=ovmf-vars,filename=${escapeOption(firmware.vars)}`],
    ...['-machine', `${definition.machine},pflash0=ovmf-code,pflash1=ovmf-vars`],
  ];
}

/**
 * q35's root ports, and ACPI hot-plug off for its bridges: with it on (QEMU 7.2's default) an unplug waits for a
 * guest that may never answer; native PCIe hot-plug completes at once (shared/qmp consoles-devices-jobs.md).
 */
function rootPortArgs(definition: VmDefinition): string[] {
  if (definition.machine !== 'q35') return [];
  const ports = Array.from({ length: ROOT_PORTS }, (_, index) => [
    '-device',
    `pcie-root-port,id=rp${index},bus=pcie.0,chassis=${index + 1}`,
  ]).flat();
  return [...ports, '-global', 'ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off'];
}

/** Each controller a slot needs, once, in the order first needed. */
function controllerArgs(slots: readonly Slot[]): string[] {
  const controllers = [...new Set(slots.map((slot) => slot.controller).filter((c) => c !== null))];
  return controllers.flatMap((controller) => ['-device', controller]);
}

/** Boot order: explicit `boot` values first (lower first), then disks in order, then CD-ROMs; as 0, 1, 2... */
export function bootIndexes(definition: Pick<VmDefinition, 'disks' | 'cdroms'>): {
  disks: number[];
  cdroms: number[];
} {
  const drives = [
    ...definition.disks.map((disk, index) => ({ kind: 'disks' as const, index, boot: disk.boot })),
    ...definition.cdroms.map((cdrom, index) => ({ kind: 'cdroms' as const, index, boot: cdrom.boot })),
  ];
  const order = drives
    .map((drive, position) => ({ ...drive, position }))
    .sort(
      (a, b) =>
        (a.boot ?? Number.MAX_SAFE_INTEGER) - (b.boot ?? Number.MAX_SAFE_INTEGER) || a.position - b.position,
    );
  const result = { disks: [] as number[], cdroms: [] as number[] };
  order.forEach((drive, rank) => {
    result[drive.kind][drive.index] = rank;
  });
  return result;
}

/** `-drive cache=` modes as node and device options (QEMU's own table in its manual, "-drive cache="). */
function cacheOptions(cache: DiskDefinition['cache']): { node: string; writeCache: 'on' | 'off' } {
  const direct = cache === 'none' || cache === 'directsync' ? 'on' : 'off';
  const noFlush = cache === 'unsafe' ? 'on' : 'off';
  const writeCache = cache === 'writethrough' || cache === 'directsync' ? 'off' : 'on';
  return { node: `cache.direct=${direct},cache.no-flush=${noFlush}`, writeCache };
}

function diskArgs(
  disk: DiskDefinition,
  index: number,
  image: ArgvContext['disks'][number] | undefined,
  slot: Slot,
  bootindex: number,
): string[] {
  if (!image) throw new Error(`disks[${index}]: no image in the context`);
  const node = `disk${index}`;
  const cache = cacheOptions(disk.cache);
  const discard = `discard=${disk.discard ? 'unmap' : 'ignore'}`;
  const device = disk.bus === 'virtio' ? 'virtio-blk-pci' : disk.bus === 'scsi' ? 'scsi-hd' : 'ide-hd';
  const placement = slot.placement === '' ? '' : `,${slot.placement}`;
  return [
    ...[
      '-blockdev',
      `driver=file,node-name=${node}-file,filename=${escapeOption(image.path)},${cache.node},${discard}`,
    ],
    ...['-blockdev', `driver=${image.format},node-name=${node},file=${node}-file,${cache.node},${discard}`],
    ...[
      '-device',
      `${device}${placement},drive=${node},id=${node},bootindex=${bootindex},write-cache=${cache.writeCache}`,
    ],
  ];
}

function cdromArgs(
  bus: 'ide' | 'sata' | 'scsi',
  index: number,
  iso: string | null,
  slot: Slot,
  bootindex: number,
): string[] {
  const id = `cdrom${index}`;
  const device = bus === 'scsi' ? 'scsi-cd' : 'ide-cd';
  const media =
    iso === null
      ? []
      : [
          ...['-blockdev', `driver=file,node-name=${id}-file,filename=${escapeOption(iso)},read-only=on`],
          ...['-blockdev', `driver=raw,node-name=${id}-media,file=${id}-file,read-only=on`],
        ];
  const drive = iso === null ? '' : `,drive=${id}-media`;
  return [...media, '-device', `${device},${slot.placement}${drive},id=${id},bootindex=${bootindex}`];
}

function nicArgs(nic: NicDefinition, index: number): string[] {
  const netdev = `net${index}`;
  const backend =
    nic.type === 'user'
      ? ['user', `id=${netdev}`, ...nic.forwards.map(hostForward)]
      : nic.type === 'bridge'
        ? ['bridge', `id=${netdev}`, `br=${escapeOption(nic.bridge ?? '')}`]
        : ['tap', `id=${netdev}`, `ifname=${escapeOption(nic.tap ?? '')}`, 'script=no', 'downscript=no'];
  const model = nic.model === 'virtio' ? 'virtio-net-pci' : 'e1000';
  const mac = nic.mac === undefined ? '' : `,mac=${nic.mac}`;
  return ['-netdev', backend.join(','), '-device', `${model},netdev=${netdev},id=nic${index}${mac}`];
}

/** `hostfwd=tcp:127.0.0.1:2222-:22`: host address and port, then (any guest address) the guest's port. */
function hostForward(forward: PortForward): string {
  return `hostfwd=${forward.protocol}:${forward.host}:${forward.hostPort}-:${forward.guestPort}`;
}

function displayArgs(definition: VmDefinition, runtimeDir: string): string[] {
  if (definition.display === 'none') return ['-display', 'none'];
  return ['-vga', 'std', '-vnc', `unix:${escapeOption(`${runtimeDir}/${VNC_SOCKET_FILE}`)}`];
}

function serialArgs(runtimeDir: string): string[] {
  return [
    ...[
      '-chardev',
      `socket,id=serial0,path=${escapeOption(`${runtimeDir}/${SERIAL_SOCKET_FILE}`)},server=on,wait=off`,
    ],
    ...['-serial', 'chardev:serial0'],
  ];
}
