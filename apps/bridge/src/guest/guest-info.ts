/**
 * The agent's answers -> the VM object's `guest` field. The agent's shapes are loose (fields vary by guest OS and
 * agent version), so everything is read defensively and whatever does not fit is left out rather than guessed.
 */
import type { GuestAddress } from '@qmpdeck/protocol';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `guest-get-host-name` -> the host name, or undefined. */
export function hostnameFrom(reply: unknown): string | undefined {
  if (!isRecord(reply)) return undefined;
  const name = reply['host-name'];
  return typeof name === 'string' && name !== '' ? name : undefined;
}

/** `guest-get-osinfo` -> its fields as they are (`name`, `kernel-release`, `pretty-name`, ...). */
export function osFrom(reply: unknown): Record<string, unknown> | undefined {
  return isRecord(reply) ? reply : undefined;
}

function isLoopback(address: string): boolean {
  return address.startsWith('127.') || address === '::1';
}

/**
 * `guest-network-get-interfaces` -> every non-loopback address, interfaces in the agent's order, so the first
 * IPv4 one is what a person would call "the VM's IP".
 */
export function addressesFrom(reply: unknown): GuestAddress[] {
  if (!Array.isArray(reply)) return [];
  const addresses: GuestAddress[] = [];
  for (const nic of reply) {
    if (!isRecord(nic) || typeof nic.name !== 'string' || !Array.isArray(nic['ip-addresses'])) continue;
    for (const entry of nic['ip-addresses']) {
      if (!isRecord(entry)) continue;
      const address = entry['ip-address'];
      const type = entry['ip-address-type'];
      const prefix = entry.prefix;
      if (typeof address !== 'string' || isLoopback(address)) continue;
      if ((type !== 'ipv4' && type !== 'ipv6') || typeof prefix !== 'number' || !Number.isInteger(prefix))
        continue;
      addresses.push({ interface: nic.name, address, prefix, family: type });
    }
  }
  return addresses;
}
