/**
 * `query-pci` flattened (devices behind bridges and root ports included), and where a hot-plugged PCI device can
 * go: on `pc` the default PCI bus (ACPI hot-plug: the guest must take the device, and let it go on unplug); on
 * `q35` only a PCIe root port with nothing on it (the root bus takes no hot-plug); elsewhere nowhere the bridge
 * knows (free root ports: root-ports.ts). Pure.
 */
import type { Hotplug, PciDevice } from '@qmpdeck/protocol';
import type { ReturnOf } from '@qmpdeck/qmp';

type PciBus = ReturnOf<'query-pci'>[number];
type PciEntry = PciBus['devices'][number];

export function pciDevices(buses: readonly PciBus[]): PciDevice[] {
  const out: PciDevice[] = [];
  const walk = (entries: readonly PciEntry[]) => {
    for (const entry of entries) {
      out.push({
        bus: entry.bus,
        slot: entry.slot,
        function: entry.function,
        class: entry.class_info.desc ?? `0x${entry.class_info.class.toString(16).padStart(4, '0')}`,
        vendor: entry.id.vendor,
        device: entry.id.device,
        qdev: entry.qdev_id === '' ? null : entry.qdev_id,
      });
      if (entry.pci_bridge?.devices) walk(entry.pci_bridge.devices);
    }
  };
  for (const bus of buses) walk(bus.devices);
  return out;
}

export function hotplugPlace(machine: string | null, freePorts: readonly string[]): Hotplug {
  if (machine?.includes('q35')) {
    const [port] = freePorts;
    if (port === undefined) {
      return {
        machine,
        possible: false,
        bus: null,
        note: 'no free PCIe root port: start the VM with one per device to add (-device pcie-root-port,id=rp1,chassis=1)',
      };
    }
    return {
      machine,
      possible: true,
      bus: port,
      note: 'on a PCIe root port; with ACPI hot-plug (QEMU 7.2’s default) the guest must let go of a device before it is removed',
    };
  }
  if (machine?.startsWith('pc-i440fx') || machine === 'pc') {
    return {
      machine,
      possible: true,
      bus: null,
      note: 'ACPI PCI hot-plug: the guest must take the device, and let go of it before it is removed',
    };
  }
  return {
    machine,
    possible: false,
    bus: null,
    note: 'the bridge does not know how to hot-plug on this machine',
  };
}
