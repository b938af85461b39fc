/**
 * Peer addresses and CIDR ranges (IPv4 and IPv6): which proxies are trusted to name the user. An IPv4 peer on a
 * dual-stack socket shows as `::ffff:127.0.0.1`; it is read as the IPv4 address it is, so a rule `127.0.0.1/32`
 * covers it. Matching is node's own `BlockList`.
 */
import { BlockList, isIP } from 'node:net';

export interface Cidr {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

/** `::ffff:10.0.0.1` -> `10.0.0.1`; other addresses unchanged (IPv6 in lower case). */
export function normalizeAddress(address: string): string {
  const lower = address.toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  return mapped ? (mapped[1] as string) : lower;
}

/** `10.0.0.0/8`, `fd00::/8`, or a single address (a /32 or /128); a sentence saying what is wrong otherwise. */
export function parseCidr(text: string): Cidr | string {
  const [rawAddress = '', prefixText, extra] = text.split('/');
  if (extra !== undefined) return `"${text}" is not an address or CIDR range`;
  const address = normalizeAddress(rawAddress);
  const version = isIP(address);
  if (version === 0) return `"${text}": "${rawAddress}" is not an IPv4 or IPv6 address`;
  const family = version === 4 ? 'ipv4' : 'ipv6';
  // An IPv4-mapped range written in IPv6 (`::ffff:10.0.0.0/104`) is the IPv4 range it names.
  const mapped = rawAddress !== address && version === 4;
  const bits = version === 4 && !mapped ? 32 : 128;
  if (prefixText === undefined) return { address, prefix: version === 4 ? 32 : 128, family };
  const prefix = Number(prefixText);
  if (!/^\d+$/.test(prefixText) || prefix > bits) return `"${text}": the prefix must be from 0 to ${bits}`;
  if (mapped) return { address, prefix: Math.max(0, prefix - 96), family };
  return { address, prefix, family };
}

export class AddressSet {
  readonly #list = new BlockList();

  constructor(ranges: readonly string[]) {
    for (const text of ranges) {
      const cidr = parseCidr(text);
      if (typeof cidr === 'string') throw new Error(cidr);
      this.#list.addSubnet(cidr.address, cidr.prefix, cidr.family);
    }
  }

  has(address: string | undefined | null): boolean {
    if (!address) return false;
    const normal = normalizeAddress(address);
    const version = isIP(normal);
    if (version === 0) return false;
    return this.#list.check(normal, version === 4 ? 'ipv4' : 'ipv6');
  }
}
