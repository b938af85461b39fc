import { describe, expect, it } from 'vitest';
import { addressesFrom, hostnameFrom, osFrom } from './guest-info.ts';

describe('guest info from agent replies', () => {
  it('takes the host name, and nothing from a reply of the wrong shape', () => {
    expect(hostnameFrom({ 'host-name': 'qmpdeck-demo' })).toBe('qmpdeck-demo');
    expect(hostnameFrom({ 'host-name': '' })).toBeUndefined();
    expect(hostnameFrom('qmpdeck-demo')).toBeUndefined();
    expect(osFrom({ 'kernel-release': '6.1.0' })).toEqual({ 'kernel-release': '6.1.0' });
    expect(osFrom([])).toBeUndefined();
  });

  it('lists non-loopback addresses in the agent order and skips malformed entries', () => {
    // Shape as the demo guest's qemu-ga 7.2 answers, trimmed.
    const reply = [
      {
        name: 'lo',
        'ip-addresses': [
          { 'ip-address-type': 'ipv4', 'ip-address': '127.0.0.1', prefix: 8 },
          { 'ip-address-type': 'ipv6', 'ip-address': '::1', prefix: 128 },
        ],
      },
      {
        name: 'eth0',
        'hardware-address': '52:54:00:12:34:56',
        'ip-addresses': [
          { 'ip-address-type': 'ipv4', 'ip-address': '10.0.2.15', prefix: 24 },
          { 'ip-address-type': 'ipv6', 'ip-address': 'fe80::5054:ff:fe12:3456', prefix: 64 },
          { 'ip-address-type': 'ipx', 'ip-address': 'x', prefix: 1 },
          { 'ip-address-type': 'ipv4', 'ip-address': '10.0.2.16' },
        ],
      },
      { name: 'eth1' },
      'garbage',
    ];
    expect(addressesFrom(reply)).toEqual([
      { interface: 'eth0', address: '10.0.2.15', prefix: 24, family: 'ipv4' },
      { interface: 'eth0', address: 'fe80::5054:ff:fe12:3456', prefix: 64, family: 'ipv6' },
    ]);
    expect(addressesFrom({})).toEqual([]);
  });
});
