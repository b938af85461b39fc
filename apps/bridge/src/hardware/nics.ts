/**
 * A VM's NICs and USB devices, found among the devices people added (QOM `/machine/peripheral`, and
 * `/machine/peripheral-anon` for those without an id) by their type, with `query-rx-filter` matched by MAC for
 * the models that report it. Pure.
 */
import type { HardwareNic, LinkState } from '@qmpdeck/protocol';
import type { ReturnOf } from '@qmpdeck/qmp';

export type RxFilter = ReturnOf<'query-rx-filter'>[number];

/** QEMU's NIC models (x86 and virtio on any machine). */
const NIC_TYPES = new Set([
  'virtio-net-pci',
  'virtio-net-pci-transitional',
  'virtio-net-pci-non-transitional',
  'virtio-net-device',
  'e1000',
  'e1000-82544gc',
  'e1000-82545em',
  'e1000e',
  'rtl8139',
  'vmxnet3',
  'ne2k_pci',
  'ne2k_isa',
  'pcnet',
  'i82559er',
  'i82557b',
  'usb-net',
]);
/** NICs the bridge unplugs (PCI, hot-pluggable). */
const UNPLUGGABLE = /^(virtio-net-pci|e1000|e1000e|rtl8139|vmxnet3|usb-net)/;

/** A device people added: its name under its parent, full QOM path and type (`child<virtio-net-pci>` -> type). */
export interface Peripheral {
  name: string;
  path: string;
  /** An id given with `-device ...,id=`; null under peripheral-anon. */
  id: string | null;
  type: string;
}

export function peripheralsFrom(
  parent: '/machine/peripheral' | '/machine/peripheral-anon',
  children: ReturnOf<'qom-list'>,
): Peripheral[] {
  const out: Peripheral[] = [];
  for (const child of children) {
    const match = /^child<(.+)>$/.exec(child.type);
    if (!match) continue;
    out.push({
      name: child.name,
      path: `${parent}/${child.name}`,
      id: parent === '/machine/peripheral' ? child.name : null,
      type: match[1] as string,
    });
  }
  return out;
}

export function isNic(device: Peripheral): boolean {
  return NIC_TYPES.has(device.type);
}

export function isUsb(device: Peripheral): boolean {
  return device.type.startsWith('usb-') && !isNic(device);
}

export interface NicProperties {
  mac: string | null;
  netdev: string | null;
}

export function nicFrom(
  device: Peripheral,
  props: NicProperties,
  filters: readonly RxFilter[] | null,
  linkOf: (names: readonly (string | null)[]) => LinkState,
): HardwareNic {
  const filter = props.mac === null ? undefined : filters?.find((f) => f['main-mac'] === props.mac);
  // What set_link knows it by: its id, else QEMU's name for it (from rx-filter), else its netdev.
  const linkName = device.id ?? filter?.name ?? props.netdev ?? device.path;
  return {
    id: device.id ?? device.path,
    linkName,
    model: device.type,
    mac: props.mac,
    netdev: props.netdev,
    link: linkOf([device.id, filter?.name ?? null, props.netdev]),
    rxFilter: filter
      ? {
          promiscuous: filter.promiscuous,
          broadcastAllowed: filter['broadcast-allowed'],
          unicast: filter.unicast,
          multicast: filter.multicast,
        }
      : null,
    unpluggable: device.id !== null && UNPLUGGABLE.test(device.type),
  };
}
