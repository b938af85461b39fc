/**
 * QEMU itself accepts what definitionToArgv makes: on q35 and pc, BIOS and UEFI, with a disk on every bus (cache
 * modes, discard, a raw image whose name has a comma), a CD-ROM with an ISO and an empty one, two NICs and a port
 * forward, paused before boot; its block devices carry the node names and ids the bridge's QMP commands use.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VmDefinition } from '@qmpdeck/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definitionToArgv } from './definition-to-argv.ts';
import { OVMF_CODE, OVMF_VARS } from './firmware.ts';

describe('QEMU accepts the argv of a definition', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'bridge-argv-'));
    for (const name of ['a.qcow2', 'c.qcow2', 'd.qcow2']) {
      expect(spawnSync('qemu-img', ['create', '-q', '-f', 'qcow2', join(dir, name), '64M']).status).toBe(0);
    }
    expect(spawnSync('qemu-img', ['create', '-q', '-f', 'raw', join(dir, 'b,1.img'), '64M']).status).toBe(0);
    writeFileSync(join(dir, 'x.iso'), Buffer.alloc(1024 * 1024));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['q35', 'bios'],
    ['q35', 'uefi'],
    ['pc', 'bios'],
    ['pc', 'uefi'],
  ] as const)('on %s with %s', (machine, firmware) => {
    const definition = VmDefinition.parse({
      id: 'argv',
      machine,
      firmware,
      disks: [
        { image: 'l:a', bus: 'virtio', cache: 'none', discard: true },
        { image: 'l:b', bus: 'scsi', format: 'raw', cache: 'unsafe' },
        { image: 'l:c', bus: 'sata', cache: 'writethrough' },
        { image: 'l:d', bus: 'ide', cache: 'directsync' },
      ],
      cdroms: [{ image: 'l:x.iso' }, { bus: 'scsi' }],
      nics: [
        { mac: '52:54:00:00:00:01', forwards: [{ hostPort: 1, guestPort: 22, host: '127.0.0.1' }] },
        { model: 'e1000', mac: '52:54:00:00:00:02' },
      ],
    });
    const vars = join(dir, `${machine}.vars.fd`);
    if (firmware === 'uefi') copyFileSync(OVMF_VARS, vars);
    const argv = definitionToArgv(definition, {
      runtimeDir: dir,
      disks: [
        { path: join(dir, 'a.qcow2'), format: 'qcow2' },
        { path: join(dir, 'b,1.img'), format: 'raw' },
        { path: join(dir, 'c.qcow2'), format: 'qcow2' },
        { path: join(dir, 'd.qcow2'), format: 'qcow2' },
      ],
      cdroms: [join(dir, 'x.iso'), null],
      firmware: firmware === 'uefi' ? { code: OVMF_CODE, vars } : null,
      accelerators: ['tcg'],
    });
    // The forward binds its host port at once: loopback port 1, where nothing else listens (the tests run as root).
    const qmp = ['{"execute":"qmp_capabilities"}', '{"execute":"query-block"}', '{"execute":"quit"}'].join(
      '\n',
    );
    const run = spawnSync('qemu-system-x86_64', [...argv, '-S', '-qmp', 'stdio'], {
      input: `${qmp}\n`,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const answer = run.stdout.split('\n').find((line) => line.includes('"qdev"')) ?? '{}';
    const blocks = (JSON.parse(answer) as { return: { qdev: string; inserted?: { 'node-name': string } }[] })
      .return;
    const nodes = blocks.map(
      (block) => `${block.qdev.replace('/machine/peripheral/', '')}=${block.inserted?.['node-name'] ?? ''}`,
    );
    expect(nodes).toEqual(
      expect.arrayContaining([
        'disk0/virtio-backend=disk0',
        'disk1=disk1',
        'disk2=disk2',
        'disk3=disk3',
        'cdrom0=cdrom0-media',
        'cdrom1=',
        ...(firmware === 'uefi'
          ? ['/machine/system.flash0=ovmf-code', '/machine/system.flash1=ovmf-vars']
          : []),
      ]),
    );
  });
});
