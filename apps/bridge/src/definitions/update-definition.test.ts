import { VmDefinition } from '@qmpdeck/protocol';
import { describe, expect, it } from 'vitest';
import { fieldsNeedingStop } from './update-definition.ts';

const stored = VmDefinition.parse({
  id: 'web',
  disks: [{ image: 'local:web-disk0.qcow2', format: 'qcow2' }],
  cdroms: [{ image: 'local:a.iso' }],
  nics: [{ type: 'user', mac: '52:54:00:12:34:56' }],
});

describe('fieldsNeedingStop', () => {
  it('finds nothing in the same definition sent back, its keys in the schema order rather than as stored', () => {
    // As withMacs stores a NIC: its generated MAC last.
    const current = {
      ...stored,
      nics: [{ type: 'user' as const, model: 'virtio' as const, forwards: [], mac: '52:54:00:12:34:56' }],
    };
    expect(fieldsNeedingStop(current, VmDefinition.parse(JSON.parse(JSON.stringify(current))))).toEqual([]);
  });

  it('takes a new name, autostart and CD-ROM media live; a disk without its stored format is the same disk', () => {
    const next = VmDefinition.parse({
      ...stored,
      name: 'Web',
      autostart: true,
      cdroms: [{ image: 'local:b.iso' }],
      disks: [{ image: 'local:web-disk0.qcow2' }],
    });
    expect(fieldsNeedingStop(stored, next)).toEqual([]);
  });

  it('names every field that needs a stopped VM', () => {
    const next = VmDefinition.parse({
      ...stored,
      memoryMiB: 2048,
      cdroms: [{ image: 'local:a.iso', bus: 'sata' }],
      disks: [{ image: 'local:web-disk0.qcow2', bus: 'sata' }],
      nics: [],
    });
    expect(fieldsNeedingStop(stored, next).sort()).toEqual(['cdroms', 'disks', 'memoryMiB', 'nics']);
  });
});
