/**
 * A NIC's MAC address: QEMU's own prefix (52:54:00, locally administered, unicast) and three random bytes, made
 * once when a VM is created (or a NIC added, or a VM cloned) and stored, so the guest sees the same NIC forever.
 */
import { randomBytes } from 'node:crypto';
import type { NicDefinition } from '@qmpdeck/protocol';

export function newMacAddress(): string {
  const tail = [...randomBytes(3)].map((byte) => byte.toString(16).padStart(2, '0'));
  return ['52', '54', '00', ...tail].join(':');
}

/** Every NIC with a MAC: its own, the one it had before (same place in `before`), else a new one. */
export function withMacs(
  nics: readonly NicDefinition[],
  before: readonly NicDefinition[] = [],
): NicDefinition[] {
  const taken = new Set(nics.map((nic) => nic.mac).filter((mac) => mac !== undefined));
  return nics.map((nic, index) => {
    if (nic.mac !== undefined) return nic;
    const kept = before[index]?.mac;
    let mac = kept !== undefined && !taken.has(kept) ? kept : newMacAddress();
    while (taken.has(mac)) mac = newMacAddress();
    taken.add(mac);
    return { ...nic, mac };
  });
}
