/**
 * The definition routes on stopped VMs, with a real bridge, real files and real qemu-img (no QEMU started):
 * changes of a stopped VM stored as they are; a disk never given to a second VM, an ISO shared; a clone copied
 * as a job into new files with new MACs; the refusals of the contract, each naming what is wrong.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Job } from '@qmpdeck/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBridge } from '../server.ts';
import { qemuImgInfo } from '../storage/qemu-img.ts';
import { getJson, postJson, requestJson, startTestBridge } from '../testing/bridge.ts';
import { waitFor } from '../testing/wait-for.ts';

const MiB = 1024 * 1024;

describe('definition routes on stopped VMs', () => {
  let dir: string;
  let images: string;
  let bridge: RunningBridge;
  const definition = async (id: string) => (await getJson(bridge, `/api/vms/${id}/definition`)).body;
  const put = (id: string, body: unknown) => requestJson(bridge, 'PUT', `/api/vms/${id}/definition`, body);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bridge-definition-routes-'));
    images = join(dir, 'images');
    mkdirSync(images);
    writeFileSync(join(images, 'shared.iso'), 'an ISO');
    bridge = await startTestBridge(dir, {
      storage: [{ id: 'local', path: images, content: ['disk', 'iso'] }],
    });
    for (const id of ['one', 'two']) {
      const created = await postJson(bridge, '/api/vms', {
        id,
        disks: [{ size: '16M' }],
        cdroms: [{ image: 'local:shared.iso' }],
      });
      expect(created.status, id).toBe(201);
    }
  });

  afterAll(async () => {
    await bridge?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores a stopped VM’s changes, new disks made, and keeps its MACs', async () => {
    const before = await definition('one');
    const changed = await put('one', {
      ...before,
      memoryMiB: 1024,
      cpus: 2,
      disks: [...before.disks, { size: '8M', bus: 'sata' }],
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ memoryMiB: 1024, cpus: 2, nics: before.nics });
    const added = changed.body.disks[1].image as string;
    expect((await qemuImgInfo(join(images, added.slice('local:'.length)))).virtualSize).toBe(8 * MiB);
    expect(JSON.parse(readFileSync(join(dir, 'vms', 'one.json'), 'utf8'))).toEqual(changed.body);
  });

  it('never gives a disk to a second VM, shares an ISO, and refuses what is wrong, naming it', async () => {
    const one = await definition('one');
    const two = await definition('two');
    const taken = await put('two', { ...two, disks: [{ image: one.disks[0].image }] });
    expect(taken.status).toBe(409);
    expect(taken.body.error).toMatchObject({ class: 'InUse', desc: expect.stringContaining('one') });
    expect(two.cdroms).toEqual(one.cdroms);
    const otherId = await put('two', { ...two, id: 'three' });
    expect(otherId.status).toBe(400);
    expect(otherId.body.error.desc).toContain('id');
    const badBus = await put('two', { ...two, disks: [{ image: two.disks[0].image, bus: 'floppy' }] });
    expect(badBus.status).toBe(400);
    expect(badBus.body.error.desc).toContain('disks[0].bus');
    const missing = await put('two', { ...two, cdroms: [{ image: 'local:nothing.iso' }] });
    // A file the definition names that is not there: the definition is wrong, and the answer names the field.
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({
      class: 'BadRequest',
      desc: expect.stringContaining('cdroms[0].image'),
    });
    const nowhere = await put('two', { ...two, cdroms: [{ image: 'elsewhere:x.iso' }] });
    expect(nowhere.status).toBe(400);
    expect(nowhere.body.error.desc).toContain('cdroms[0].image: no storage location "elsewhere"');
    expect(await definition('two')).toEqual(two);
    expect((await getJson(bridge, '/api/vms/nobody/definition')).status).toBe(404);
    expect((await requestJson(bridge, 'DELETE', '/api/vms/two?disks=some', undefined)).status).toBe(400);
  });

  it('clones a VM as a job: new disk files, new MACs, the same ISO; deleting the clone removes its own disks only', async () => {
    const clone = await postJson(bridge, '/api/vms/one/clone', { id: 'one-copy', name: 'Copy' });
    expect(clone.status).toBe(202);
    expect(clone.body).toMatchObject({
      job: { kind: 'clone', vm: 'one-copy' },
      vm: { id: 'one-copy', name: 'Copy' },
    });
    const done = await waitFor(async () => {
      const jobs = (await getJson(bridge, '/api/vms/one-copy/jobs')).body as Job[];
      const job = jobs.find((candidate) => candidate.id === clone.body.job.id);
      return job && job.status !== 'running' ? job : undefined;
    }, 'the clone job to end');
    expect(done).toMatchObject({ status: 'done', command: 'vm.clone' });
    // Progress in bytes of the disks' virtual sizes (16 MiB + 8 MiB), from qemu-img convert -p, complete at the end.
    expect(done.progress).toEqual({ current: 24 * MiB, total: 24 * MiB });
    const source = await definition('one');
    const copy = await definition('one-copy');
    expect(copy.disks).toHaveLength(source.disks.length);
    for (const [index, disk] of copy.disks.entries()) {
      expect(disk.image).not.toBe(source.disks[index].image);
      expect(existsSync(join(images, disk.image.slice('local:'.length)))).toBe(true);
    }
    expect(copy.nics[0].mac).not.toBe(source.nics[0].mac);
    expect(copy.cdroms).toEqual(source.cdroms);
    const again = await postJson(bridge, '/api/vms/one/clone', { id: 'one-copy' });
    expect(again.body.error.class).toBe('VmExists');
    const removed = await requestJson(bridge, 'DELETE', '/api/vms/one-copy?disks=delete', undefined);
    expect(removed.status).toBe(200);
    for (const disk of copy.disks)
      expect(existsSync(join(images, disk.image.slice('local:'.length)))).toBe(false);
    expect(existsSync(join(images, 'shared.iso'))).toBe(true);
  });
});
