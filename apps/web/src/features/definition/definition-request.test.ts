/** What the form sends: nothing beyond what the person set and the form's own defaults; errors by field. */
import { VmDefinition } from '@qmpdeck/protocol';
import { describe, expect, it } from 'vitest';
import {
  type DefinitionDraft,
  draftFromDefinition,
  idFromName,
  newDiskDraft,
  newForwardDraft,
  newNicDraft,
  newVmDraft,
  withName,
} from './definition-draft.ts';
import { extraArgsFromText, normalizeSize, requestFromDraft } from './definition-request.ts';

const named = (name: string, change: Partial<DefinitionDraft> = {}): DefinitionDraft => ({
  ...withName(newVmDraft(), name),
  ...change,
});

describe('a new VM', () => {
  it('sends only the id, the 16 GiB disk and the ISO for name + ISO', () => {
    const draft = named('web');
    draft.cdroms = [{ image: 'local:debian.iso', kept: null }];
    const { request, errors } = requestFromDraft(draft);
    expect(errors).toEqual({ fields: {}, general: [] });
    // The name equals the id (its default) and every other field is the protocol's default: left out.
    expect(request).toEqual({ id: 'web', disks: [{ size: '16G' }], cdroms: [{ image: 'local:debian.iso' }] });
  });

  it('keeps an empty CD-ROM drive when no ISO is chosen (media can go in later, even while it runs)', () => {
    expect(requestFromDraft(named('web')).request).toEqual({
      id: 'web',
      disks: [{ size: '16G' }],
      cdroms: [{}],
    });
  });

  it('sends a name that differs from its id', () => {
    expect(requestFromDraft(named('Web server')).request).toMatchObject({
      id: 'web-server',
      name: 'Web server',
    });
  });

  it('sends what the person changed, in the protocol types', () => {
    const draft = named('db', {
      cpus: '4',
      memoryMiB: '2048',
      machine: 'pc',
      firmware: 'uefi',
      autostart: true,
      display: 'none',
      extraArgs: '-device\nvirtio-rng-pci\n\n',
    });
    draft.disks = [{ ...newDiskDraft(), size: '20 GiB', storage: 'fast', bus: 'sata' }];
    draft.cdroms = [];
    const { request, errors } = requestFromDraft(draft);
    expect(errors.general).toEqual([]);
    expect(request).toEqual({
      id: 'db',
      cpus: 4,
      memoryMiB: 2048,
      machine: 'pc',
      firmware: 'uefi',
      disks: [{ size: '20G', storage: 'fast', bus: 'sata' }],
      display: 'none',
      autostart: true,
      extraArgs: ['-device', 'virtio-rng-pci'],
    });
    // And the bridge reads it as meant.
    expect(VmDefinition.parse(request).disks[0]?.size).toBe(20 * 1024 ** 3);
  });

  it('sends no network at all when the person removed it, and a bridge NIC with its bridge', () => {
    expect(requestFromDraft(named('a', { nics: [] })).request.nics).toEqual([]);
    const bridged = requestFromDraft(
      named('a', { nics: [{ ...newNicDraft(), type: 'bridge', bridge: 'br0' }] }),
    );
    expect(bridged.request.nics).toEqual([{ type: 'bridge', model: 'virtio', bridge: 'br0' }]);
  });

  it('sends port forwards with numbers, and the default host address left to the bridge', () => {
    const nic = { ...newNicDraft(), forwards: [{ ...newForwardDraft(), hostPort: '2222', guestPort: '22' }] };
    expect(requestFromDraft(named('a', { nics: [nic] })).request.nics).toEqual([
      { type: 'user', model: 'virtio', forwards: [{ protocol: 'tcp', hostPort: 2222, guestPort: 22 }] },
    ]);
  });

  it('uses an existing image instead of a new disk', () => {
    const draft = named('a');
    draft.disks = [{ ...newDiskDraft(), source: 'existing', image: 'local:old.qcow2' }];
    expect(requestFromDraft(draft).request.disks).toEqual([{ image: 'local:old.qcow2' }]);
  });
});

describe('errors before sending, by field', () => {
  it.each([
    ['no name and no id', named(''), 'id'],
    ['a number that is none', named('a', { cpus: 'two' }), 'cpus'],
    ['too little memory', named('a', { memoryMiB: '8' }), 'memoryMiB'],
    [
      'an unreadable disk size',
      { ...named('a'), disks: [{ ...newDiskDraft(), size: 'lots' }] },
      'disks.0.size',
    ],
    [
      'an existing disk not chosen',
      { ...named('a'), disks: [{ ...newDiskDraft(), source: 'existing' as const }] },
      'disks.0.image',
    ],
    [
      'a bridge NIC without its bridge',
      named('a', { nics: [{ ...newNicDraft(), type: 'bridge' }] }),
      'nics.0.bridge',
    ],
    [
      'a port out of range',
      named('a', {
        nics: [
          { ...newNicDraft(), forwards: [{ ...newForwardDraft(), hostPort: '70000', guestPort: '22' }] },
        ],
      }),
      'nics.0.forwards.0.hostPort',
    ],
    [
      'a port that is no number',
      named('a', { nics: [{ ...newNicDraft(), forwards: [newForwardDraft()] }] }),
      'nics.0.forwards.0.guestPort',
    ],
  ])('%s names %s', (_what, draft, key) => {
    const { errors } = requestFromDraft(draft);
    expect(Object.keys(errors.fields)).toContain(key);
  });

  it('says "expected a whole number" in its own words, not the validator\'s', () => {
    expect(requestFromDraft(named('a', { cpus: 'two' })).errors.fields.cpus).toBe('expected a whole number');
  });
});

describe('an edit', () => {
  const stored = VmDefinition.parse({
    id: 'web',
    name: 'Web',
    memoryMiB: 1024,
    disks: [{ image: 'local:web-0.qcow2', cache: 'none', discard: true, format: 'qcow2' }],
    cdroms: [{ image: 'local:debian.iso', bus: 'sata' }],
    nics: [{ mac: '52:54:00:12:34:56', forwards: [{ hostPort: 8080, guestPort: 80 }] }],
  });

  it('gives back the same definition when nothing changed, losing nothing the form does not show', () => {
    const { request, errors } = requestFromDraft(draftFromDefinition(stored));
    expect(errors).toEqual({ fields: {}, general: [] });
    expect(VmDefinition.parse(request)).toEqual(stored);
  });

  it('changes what was changed and nothing else', () => {
    const draft = draftFromDefinition(stored);
    draft.cdroms = [{ image: '', kept: draft.cdroms[0]?.kept ?? null }];
    const after = VmDefinition.parse(requestFromDraft(withName(draft, 'Web 2')).request);
    expect(after).toEqual({ ...stored, name: 'Web 2', cdroms: [{ bus: 'sata' }] });
  });
});

describe('the id from the name', () => {
  it.each([
    ['Web server 2', 'web-server-2'],
    ['  Ünïcode café ', 'unicode-cafe'],
    ['--x', 'x'],
    ['a.b_c', 'a.b_c'],
    ['???', ''],
  ])('%j -> %j', (name, id) => {
    expect(idFromName(name)).toBe(id);
  });

  it('stops following the name once the person typed an id', () => {
    const draft = { ...withName(newVmDraft(), 'Web'), id: 'mine', idEdited: true };
    expect(withName(draft, 'Web server').id).toBe('mine');
  });
});

describe('text fields', () => {
  it('reads sizes as people type them', () => {
    expect(['16G', '16 GiB', '16gb', '1.5T', '512M'].map(normalizeSize)).toEqual([
      '16G',
      '16G',
      '16G',
      '1.5T',
      '512M',
    ]);
  });

  it('takes one argument per line, never splitting a line', () => {
    expect(extraArgsFromText('-append\nconsole=ttyS0 quiet\n')).toEqual(['-append', 'console=ttyS0 quiet']);
  });
});
