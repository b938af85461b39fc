import { VmDefinition, type VmDefinitionRequest } from '@qmpdeck/protocol';
import { describe, expect, it } from 'vitest';
import { checkDefinition } from './check-definition.ts';
import { withMacs } from './mac-address.ts';

const check = (input: Omit<VmDefinitionRequest, 'id'>) =>
  checkDefinition(VmDefinition.parse({ id: 'web', ...input }));
const sixSata = Array.from({ length: 6 }, () => ({ image: 'local:d.qcow2', bus: 'sata' as const }));

describe('checkDefinition', () => {
  it('accepts a full, sensible definition', () => {
    expect(
      check({
        machine: 'q35',
        firmware: 'uefi',
        disks: [{ size: '1G' }, { image: 'local:b.qcow2', bus: 'scsi', boot: 3 }],
        cdroms: [{ image: 'local:debian.iso', boot: 0 }],
        nics: [
          { type: 'user', forwards: [{ hostPort: 2222, guestPort: 22 }] },
          { type: 'bridge', bridge: 'br0' },
        ],
        extraArgs: ['-rtc', 'base=localtime'],
      }),
    ).toEqual([]);
  });

  it.each([
    [
      { machine: 'pc', disks: [0, 1, 2].map(() => ({ image: 'l:d', bus: 'ide' })), cdroms: [{}, {}] },
      'cdroms[1].bus',
      "the pc machine's IDE controller has 4 places",
    ],
    [
      { machine: 'q35', disks: sixSata, cdroms: [{ bus: 'sata' }] },
      'cdroms[0].bus',
      'SATA (AHCI) controller has 6 ports',
    ],
    [
      { machine: 'q35', disks: sixSata, cdroms: [{ bus: 'ide' }] },
      'cdroms[0].bus',
      'SATA (AHCI) controller has 6 ports',
    ],
    [
      { machine: 'pc', disks: [...sixSata, { image: 'l:x', bus: 'sata' }] },
      'disks[6].bus',
      "pc machine's SATA",
    ],
    [
      { disks: [{ image: 'l:a', boot: 1 }], cdroms: [{ image: 'l:b.iso', boot: 1 }] },
      'cdroms[0].boot',
      'boot order 1 is given twice (also disks[0].boot)',
    ],
    [{ disks: [{ image: 'l:a', storage: 'local' }] }, 'disks[0].storage', 'only for a new disk'],
    [{ nics: [{ type: 'user', bridge: 'br0' }] }, 'nics[0].bridge', 'only for a "bridge" NIC'],
    [{ nics: [{ type: 'bridge', bridge: 'br0', tap: 'tap0' }] }, 'nics[0].tap', 'only for a "tap" NIC'],
    [
      { nics: [{ mac: '52:54:00:00:00:01' }, { mac: '52:54:00:00:00:01' }] },
      'nics[1].mac',
      'the same MAC as nics[0]',
    ],
    [{ nics: [{ mac: '01:00:5e:00:00:01' }] }, 'nics[0].mac', 'a multicast address'],
    [
      { nics: [{ forwards: [{ host: '::1', hostPort: 22, guestPort: 22 }] }] },
      'nics[0].forwards[0].host',
      'expected an IPv4 address',
    ],
    [
      {
        nics: [
          { forwards: [{ hostPort: 2222, guestPort: 22 }] },
          { forwards: [{ hostPort: 2222, guestPort: 2222 }] },
        ],
      },
      'nics[1].forwards[0].hostPort',
      '127.0.0.1:2222/tcp is forwarded twice (also nics[0].forwards[0])',
    ],
    [{ extraArgs: ['-m', '64', '-daemonize'] }, 'extraArgs[2]', '"-daemonize" is not allowed'],
    [{ extraArgs: ['--pidfile', '/tmp/x'] }, 'extraArgs[0]', '"--pidfile" is not allowed'],
  ] as const)('refuses %j, naming %s', (input, field, message) => {
    const issues = check(input as unknown as Omit<VmDefinitionRequest, 'id'>);
    expect(issues).toContainEqual({ field, message: expect.stringContaining(message) });
  });

  it('allows the same port forwarded for udp and tcp, and on two host addresses', () => {
    expect(
      check({
        nics: [
          {
            forwards: [
              { hostPort: 53, guestPort: 53 },
              { protocol: 'udp', hostPort: 53, guestPort: 53 },
              { host: '127.0.0.2', hostPort: 53, guestPort: 53 },
            ],
          },
        ],
      }),
    ).toEqual([]);
  });
});

describe('withMacs', () => {
  it('keeps given MACs, keeps the earlier MAC of the NIC at the same place, and makes new unique ones', () => {
    const nics = withMacs(
      VmDefinition.parse({ id: 'x', nics: [{}, { mac: '52:54:00:AA:BB:CC' }, {}] }).nics,
      VmDefinition.parse({ id: 'x', nics: [{ mac: '52:54:00:00:00:01' }] }).nics,
    );
    expect(nics.map((nic) => nic.mac)).toEqual([
      '52:54:00:00:00:01',
      '52:54:00:aa:bb:cc',
      expect.stringMatching(/^52:54:00(:[0-9a-f]{2}){3}$/),
    ]);
    expect(new Set(nics.map((nic) => nic.mac)).size).toBe(3);
  });
});
