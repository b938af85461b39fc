import { describe, expect, it } from 'vitest';
import { AddressSet, normalizeAddress, parseCidr } from './address.ts';

describe('addresses and CIDR ranges', () => {
  it('reads IPv4-mapped IPv6 addresses as the IPv4 address they are', () => {
    expect(normalizeAddress('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(normalizeAddress('::FFFF:10.1.2.3')).toBe('10.1.2.3');
    expect(normalizeAddress('FD00::1')).toBe('fd00::1');
  });

  it('matches IPv4 and IPv6 ranges and single addresses, mapped peers included', () => {
    const trusted = new AddressSet([
      '127.0.0.1/32',
      '10.0.0.0/8',
      'fd00::/8',
      '192.168.1.7',
      '::ffff:172.16.0.0/108',
    ]);
    expect(trusted.has('127.0.0.1')).toBe(true);
    expect(trusted.has('::ffff:127.0.0.1')).toBe(true);
    expect(trusted.has('10.200.3.4')).toBe(true);
    expect(trusted.has('fd12::5')).toBe(true);
    expect(trusted.has('192.168.1.7')).toBe(true);
    expect(trusted.has('172.16.3.3')).toBe(true);
    expect(trusted.has('172.32.0.1')).toBe(false);
    expect(trusted.has('192.168.1.8')).toBe(false);
    expect(trusted.has('127.0.0.2')).toBe(false);
    expect(trusted.has('::1')).toBe(false);
    expect(trusted.has(undefined)).toBe(false);
    expect(trusted.has('not an address')).toBe(false);
  });

  it.each([
    ['10.0.0.0/33', /prefix must be from 0 to 32/],
    ['fd00::/129', /prefix must be from 0 to 128/],
    ['10.0.0/8', /not an IPv4 or IPv6 address/],
    ['deck.lan', /not an IPv4 or IPv6 address/],
    ['10.0.0.0/8/1', /not an address or CIDR range/],
  ])('refuses %s', (text, reason) => {
    expect(parseCidr(text)).toMatch(reason);
  });
});
