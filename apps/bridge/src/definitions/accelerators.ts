/**
 * Which accelerators a defined VM gets: KVM first when /dev/kvm can be opened for reading and writing, with TCG
 * after it (QEMU takes the first that works), else TCG alone. As the demo guest's `accelArgs`.
 */
import { closeSync, openSync } from 'node:fs';

export const KVM_DEVICE = '/dev/kvm';

export function accelerators(device = KVM_DEVICE): string[] {
  try {
    closeSync(openSync(device, 'r+'));
    return ['kvm', 'tcg'];
  } catch {
    return ['tcg'];
  }
}
