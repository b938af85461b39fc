/**
 * A backup restored as a new VM, with a real QEMU: a VM the bridge owns (a definition with a new qcow2 disk, data
 * written into it by qemu-io) runs and is backed up; the backup restored `as` a new VM is a new definition with
 * new MACs whose disk, a new file in the disk location, holds what the source disk held at the backup; the source
 * keeps running meanwhile (the copy reads the backup, not its disks). An id taken is 409 VmExists.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Backup, Job, VmDefinition } from '@qmpdeck/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBridge } from '../server.ts';
import { getJson, postJson, startTestBridge } from '../testing/bridge.ts';
import { waitFor } from '../testing/wait-for.ts';

describe('a backup restored as a new VM', () => {
  let dir: string;
  let images: string;
  let bridge: RunningBridge;

  const ended = (job: Job): Promise<Job> =>
    waitFor(() => {
      const now = bridge.jobs.get(job.id);
      return now.status === 'running' ? undefined : now;
    }, `job ${job.id} ended`);
  const definition = async (id: string) =>
    (await getJson(bridge, `/api/vms/${id}/definition`)).body as VmDefinition;
  const pathOf = (image: string) => join(images, image.slice('local:'.length));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bridge-restore-new-'));
    images = join(dir, 'images');
    mkdirSync(images);
    bridge = await startTestBridge(dir, {
      vms: [],
      storage: [
        { id: 'local', path: images, content: ['disk'] },
        { id: 'backups', path: join(dir, 'backups'), content: ['backup'] },
      ],
      // No guest runs: the emulator is enough, and a /dev/kvm that opens may still fail (nested hosts).
      accelerators: ['tcg'],
    });
  });

  afterAll(async () => {
    await bridge?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('makes a new defined VM whose disk holds the backup', async () => {
    const created = await postJson(bridge, '/api/vms', {
      id: 'alpha',
      memoryMiB: 64,
      disks: [{ size: '64M' }],
    });
    expect(created.status).toBe(201);
    const source = pathOf((await definition('alpha')).disks[0]?.image as string);
    execFileSync('qemu-io', ['-c', 'write -P 0x5a 0 2M', source], { stdio: 'ignore' });
    const started = await postJson(bridge, '/api/vms/alpha/start', {});
    expect(started.body).toMatchObject({ connection: 'connected' });
    const backup = await postJson(bridge, '/api/vms/alpha/backups', {});
    expect(await ended(backup.body)).toMatchObject({ status: 'done' });
    const [made] = (await getJson(bridge, '/api/vms/alpha/backups')).body as [Backup];

    const restore = await postJson(bridge, `/api/vms/alpha/backups/${made.id}/restore`, { as: 'beta' });
    expect(restore).toMatchObject({ status: 202, body: { kind: 'restore', vm: 'beta' } });
    expect((await getJson(bridge, '/api/vms/beta')).body).toMatchObject({
      origin: 'defined',
      connection: 'stopped',
    });
    expect(await ended(restore.body)).toMatchObject({ status: 'done' });
    const beta = await definition('beta');
    const alpha = await definition('alpha');
    const copy = pathOf(beta.disks[0]?.image as string);
    expect(copy).not.toBe(source);
    expect(beta.nics[0]?.mac).not.toBe(alpha.nics[0]?.mac);
    expect(spawnSync('qemu-io', ['-r', '-c', 'read -P 0x5a 0 2M', copy], { encoding: 'utf8' })).toMatchObject(
      {
        status: 0,
      },
    );
    const taken = await postJson(bridge, `/api/vms/alpha/backups/${made.id}/restore`, { as: 'beta' });
    expect(taken).toMatchObject({ status: 409, body: { error: { class: 'VmExists' } } });
  });
});
