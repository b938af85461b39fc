/** Pure helpers of the overview: counts by state, the name filter, a VM's first IPv4 address. */
import type { Vm } from '@qmpdeck/protocol';
import { type ShownState, shownState } from '../../ui/vm-state-words.ts';

export function countByState(vms: readonly Vm[]): [ShownState, number][] {
  const counts = new Map<ShownState, number>();
  for (const vm of vms) {
    const status = shownState(vm);
    counts.set(status, (counts.get(status) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

export function filterByName(vms: readonly Vm[], text: string): readonly Vm[] {
  const needle = text.trim().toLowerCase();
  if (!needle) return vms;
  return vms.filter((vm) => vm.name.toLowerCase().includes(needle) || vm.id.toLowerCase().includes(needle));
}

export function firstIpv4(vm: Pick<Vm, 'guest'>): string | null {
  const address = vm.guest?.addresses?.find(
    (item) => item.family === 'ipv4' && !item.address.startsWith('127.'),
  );
  return address ? address.address : null;
}

export function qemuVersion(vm: Vm): string | null {
  return vm.qemu ? `QEMU ${vm.qemu.major}.${vm.qemu.minor}.${vm.qemu.micro}` : null;
}
