import { describe, expect, it } from 'vitest';
import { VmDefinition } from './definition.ts';
import { parseSize } from './size.ts';

describe('VmDefinition', () => {
  it('fills every default from an id alone', () => {
    expect(VmDefinition.parse({ id: 'web' })).toEqual({
      id: 'web',
      name: 'web',
      description: '',
      cpus: 1,
      cpuModel: 'max',
      memoryMiB: 512,
      machine: 'q35',
      firmware: 'bios',
      disks: [],
      cdroms: [],
      nics: [{ type: 'user', model: 'virtio', forwards: [] }],
      display: 'vnc',
      serial: true,
      guestAgent: true,
      autostart: false,
      extraArgs: [],
    });
  });

  it('reads disk sizes as qemu-img does and stores bytes', () => {
    const def = VmDefinition.parse({ id: 'a', disks: [{ size: '64M' }, { size: 1024 }] });
    expect(def.disks.map((d) => d.size)).toEqual([64 * 1024 * 1024, 1024]);
    expect(def.disks[0]?.bus).toBe('virtio');
  });

  it.each([
    [{ id: '../x' }, 'id'],
    [{ id: 'a', extra: 1 }, ''],
    [{ id: 'a', disks: [{}] }, 'disks.0'],
    [{ id: 'a', disks: [{ image: 'local:a.qcow2', size: '1G' }] }, 'disks.0'],
    [{ id: 'a', disks: [{ size: 'lots' }] }, 'disks.0.size'],
    [{ id: 'a', disks: [{ image: '/etc/passwd' }] }, 'disks.0.image'],
    [{ id: 'a', disks: [{ image: 'local:../x' }] }, 'disks.0.image'],
    [{ id: 'a', cdroms: [{ image: 'local:..' }] }, 'cdroms.0.image'],
    [{ id: 'a', nics: [{ type: 'bridge' }] }, 'nics.0'],
    [{ id: 'a', nics: [{ mac: 'zz' }] }, 'nics.0.mac'],
    [{ id: 'a', machine: 'virt' }, 'machine'],
    [{ id: 'a', firmware: 'coreboot' }, 'firmware'],
    [{ id: 'a', extraArgs: 'oops' }, 'extraArgs'],
  ])('refuses %j, naming %s', (input, path) => {
    const result = VmDefinition.safeParse(input);
    expect(result.success).toBe(false);
    if (!result.success) expect(result.error.issues.map((i) => i.path.join('.'))).toContain(path);
  });
});

describe('parseSize', () => {
  it.each([
    ['64M', 64 * 1024 ** 2],
    ['1.5G', 1.5 * 1024 ** 3],
    ['512', 512],
    ['10k', 10240],
    ['2T', 2 * 1024 ** 4],
    ['x', null],
    ['-1G', null],
  ])('%s -> %s', (text, bytes) => {
    expect(parseSize(text)).toBe(bytes);
  });
});
