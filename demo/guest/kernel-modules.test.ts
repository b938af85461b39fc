import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dependsOf, modulesInLoadOrder } from './kernel-modules.ts';

/** A stand-in .ko: only the .modinfo strings matter to the resolver. */
function fakeModule(name: string, depends: string[]): Buffer {
  return Buffer.from(`\x7fELF\0junk\0name=${name}\0depends=${depends.join(',')}\0vermagic=6.1\0`, 'latin1');
}

describe('dependsOf', () => {
  it('reads the comma-separated depends field, canonicalising dashes', () => {
    expect(dependsOf(fakeModule('virtio_net', ['virtio_ring', 'net-failover']))).toEqual([
      'virtio_ring',
      'net_failover',
    ]);
    expect(dependsOf(fakeModule('evdev', []))).toEqual([]);
    expect(dependsOf(Buffer.from('no modinfo here'))).toEqual([]);
  });
});

describe('modulesInLoadOrder', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qmpdeck-modules-'));
    const modules: Record<string, string[]> = {
      'drivers/virtio/virtio_ring': [],
      'drivers/virtio/virtio': ['virtio_ring'],
      'drivers/virtio/virtio_pci': ['virtio_ring', 'virtio'],
      'drivers/net/virtio_net': ['virtio_ring', 'virtio', 'net_failover'],
      'drivers/net/net_failover': ['failover'],
      'net/core/failover': [],
      'drivers/char/hw_random/virtio-rng': ['virtio'],
    };
    for (const [path, depends] of Object.entries(modules)) {
      await mkdir(join(dir, 'kernel', path, '..'), { recursive: true });
      await writeFile(join(dir, 'kernel', `${path}.ko`), fakeModule(path.split('/').pop() ?? '', depends));
    }
    await writeFile(join(dir, 'modules.builtin'), 'kernel/drivers/input/evdev.ko\n');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('puts every dependency before its user, each module once, and skips built-in drivers', async () => {
    const order = (await modulesInLoadOrder(dir, ['virtio_pci', 'virtio_net', 'evdev', 'virtio-rng'])).map(
      (module) => module.name,
    );
    expect(order).toEqual([
      'virtio_ring',
      'virtio',
      'virtio_pci',
      'failover',
      'net_failover',
      'virtio_net',
      'virtio_rng',
    ]);
  });

  it('names the module that is neither a file nor built in', async () => {
    await expect(modulesInLoadOrder(dir, ['button'])).rejects.toThrow(/button \(wanted\)/);
  });
});
