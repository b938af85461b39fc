import type { Vm } from '@qmpdeck/protocol';
import { describe, expect, it } from 'vitest';
import { countByState, filterByName, firstIpv4 } from './overview-model.ts';

const vm = (id: string, change: Partial<Vm> = {}): Vm => ({
  id,
  name: id.toUpperCase(),
  connection: 'connected',
  status: 'running',
  qemu: null,
  ...change,
});

describe('overview model', () => {
  it('counts VMs by the state their badge shows', () => {
    const vms = [
      vm('a'),
      vm('b'),
      vm('c', { status: 'paused' }),
      vm('d', { connection: 'disconnected' }),
      vm('e', { connection: 'stopped', status: null, managed: true }),
      vm('f', { connection: 'busy' }),
    ];
    expect(countByState(vms)).toEqual([
      ['disconnected', 2],
      ['running', 2],
      ['paused', 1],
      ['stopped', 1],
    ]);
  });

  it('filters by name or id', () => {
    expect(filterByName([vm('alpha'), vm('beta')], 'ALP').map((v) => v.id)).toEqual(['alpha']);
  });

  it('finds the first IPv4 address that is not loopback', () => {
    const guest = {
      agent: 'connected' as const,
      addresses: [
        { interface: 'lo', address: '127.0.0.1', prefix: 8, family: 'ipv4' as const },
        { interface: 'eth0', address: 'fec0::1', prefix: 64, family: 'ipv6' as const },
        { interface: 'eth0', address: '10.0.2.15', prefix: 24, family: 'ipv4' as const },
      ],
    };
    expect(firstIpv4(vm('a', { guest }))).toBe('10.0.2.15');
    expect(firstIpv4(vm('b'))).toBeNull();
  });
});
