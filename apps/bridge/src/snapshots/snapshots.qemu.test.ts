/**
 * Internal snapshots against a real QEMU with a qcow2 disk made by qemu-img here: save with a description (a job
 * that ends done, listed with its RAM state), change the disk, revert, and the earlier contents are back (read by
 * qemu-io once QEMU has quit); delete (an admin's); a viewer may list but not snapshot; a missing name is 404, a taken one and a
 * VM without qcow2 disks 409.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Job } from '@qmpdeck/protocol';
import { QmpClient } from '@qmpdeck/qmp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBridge } from '../server.ts';
import { bearer, getJson, postJson, requestJson, startTestBridge } from '../testing/bridge.ts';
import { startQemu, type TestQemu } from '../testing/qemu.ts';
import { roleUsers, userConfig } from '../testing/users.ts';
import { waitFor } from '../testing/wait-for.ts';

const { admin, operator, viewer } = roleUsers;
const as = (user: typeof operator) => bearer(user.token);

describe('internal snapshots', () => {
  let dir: string;
  let qemu: TestQemu;
  let bare: TestQemu;
  let monitor: QmpClient;
  let bridge: RunningBridge;

  const ended = (job: Job): Promise<Job> =>
    waitFor(() => {
      const now = bridge.jobs.get(job.id);
      return now.status === 'running' ? undefined : now;
    }, `job ${job.id} ended`);
  /** Writes `pattern` over the disk's first MiB through QEMU (as a guest would). */
  const writeDisk = (pattern: string) =>
    monitor.execute('human-monitor-command', {
      'command-line': `qemu-io -d /machine/peripheral/vblk0/virtio-backend "write -P ${pattern} 0 1M"`,
    });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bridge-snapshots-'));
    const image = join(dir, 'a.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', image, '64M']);
    execFileSync('qemu-io', ['-c', 'write -P 0xab 0 1M', image], { stdio: 'ignore' });
    qemu = await startQemu(dir, 'alpha', [
      '-blockdev',
      `driver=qcow2,node-name=disk0,file.driver=file,file.filename=${image}`,
      '-device',
      'virtio-blk-pci,drive=disk0,id=vblk0',
      '-qmp',
      `unix:${join(dir, 'second.sock')},server=on,wait=off`,
    ]);
    bare = await startQemu(dir, 'bare');
    monitor = await QmpClient.connect({ path: join(dir, 'second.sock') });
    bridge = await startTestBridge(dir, {
      vms: [
        { id: 'alpha', qmp: { socket: qemu.socket as string } },
        { id: 'bare', qmp: { socket: bare.socket as string } },
      ],
      users: [userConfig(admin), userConfig(operator), userConfig(viewer)],
    });
    await waitFor(() => bridge.registry.all().every((vm) => vm.status === 'prelaunch'), 'both connected');
  });

  afterAll(async () => {
    await monitor?.close();
    await bridge?.stop();
    await qemu?.kill();
    await bare?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('saves a snapshot with RAM as a job, listed with its description; a viewer may only list', async () => {
    expect(await getJson(bridge, '/api/vms/alpha/snapshots', as(viewer))).toMatchObject({
      status: 200,
      body: [],
    });
    const refused = await postJson(bridge, '/api/vms/alpha/snapshots', { name: 'clean' }, as(viewer));
    expect(refused).toMatchObject({ status: 403, body: { error: { class: 'Forbidden' } } });
    const started = await postJson(
      bridge,
      '/api/vms/alpha/snapshots',
      { name: 'clean', description: 'before the change' },
      as(operator),
    );
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({
      kind: 'snapshot-save',
      vm: 'alpha',
      user: operator.name,
      status: 'running',
    });
    expect(await ended(started.body)).toMatchObject({ status: 'done', error: null });
    const listed = await getJson(bridge, '/api/vms/alpha/snapshots', as(viewer));
    expect(listed.body).toEqual([
      expect.objectContaining({
        name: 'clean',
        description: 'before the change',
        disks: ['/machine/peripheral/vblk0/virtio-backend'],
      }),
    ]);
    expect(listed.body[0].vmStateSize).toBeGreaterThan(0);
    expect((await monitor.execute('query-jobs')) as unknown[]).toEqual([]);
  });

  it('refuses a name taken, a bad name, a VM without qcow2 disks, a missing snapshot', async () => {
    const taken = await postJson(bridge, '/api/vms/alpha/snapshots', { name: 'clean' }, as(operator));
    expect(taken).toMatchObject({ status: 409, body: { error: { class: 'Conflict' } } });
    const bad = await postJson(bridge, '/api/vms/alpha/snapshots', { name: '../x' }, as(operator));
    expect(bad).toMatchObject({ status: 400, body: { error: { class: 'BadRequest' } } });
    const bareVm = await postJson(bridge, '/api/vms/bare/snapshots', { name: 'x' }, as(operator));
    expect(bareVm).toMatchObject({ status: 409, body: { error: { class: 'Conflict' } } });
    expect(bareVm.body.error.desc).toMatch(/no writable qcow2 disk/);
    const missing = await postJson(bridge, '/api/vms/alpha/snapshots/nope/revert', {}, as(operator));
    expect(missing).toMatchObject({ status: 404, body: { error: { class: 'SnapshotNotFound' } } });
    const gone = await requestJson(bridge, 'DELETE', '/api/vms/alpha/snapshots/nope', undefined, as(admin));
    expect(gone).toMatchObject({ status: 404, body: { error: { class: 'SnapshotNotFound' } } });
  });

  it('reverts: the disk changed after the snapshot has its earlier contents again; then deletes it', async () => {
    await writeDisk('0xcd');
    const revert = await postJson(bridge, '/api/vms/alpha/snapshots/clean/revert', {}, as(operator));
    expect(revert).toMatchObject({ status: 202, body: { kind: 'snapshot-load' } });
    expect(await ended(revert.body)).toMatchObject({ status: 'done' });
    // Deleting is for admins by default (docs/api.md's policy table): an operator is refused.
    const path = '/api/vms/alpha/snapshots/clean';
    expect((await requestJson(bridge, 'DELETE', path, undefined, as(operator))).status).toBe(403);
    const removal = await requestJson(bridge, 'DELETE', path, undefined, as(admin));
    expect(removal).toMatchObject({ status: 202, body: { kind: 'snapshot-delete' } });
    expect(await ended(removal.body)).toMatchObject({ status: 'done' });
    expect((await getJson(bridge, '/api/vms/alpha/snapshots', as(viewer))).body).toEqual([]);
    // QEMU quits (it holds the image's lock and caches), then the image is read as it is on disk.
    await monitor.execute('quit').catch(() => {}); // QEMU may close the monitor before it answers
    await qemu.exited;
    // qemu-io exits 1 and says so when the pattern differs.
    const read = (pattern: string) =>
      spawnSync('qemu-io', ['-r', '-c', `read -P ${pattern} 0 1M`, join(dir, 'a.qcow2')], {
        encoding: 'utf8',
      });
    expect(read('0xab')).toMatchObject({
      status: 0,
      stdout: expect.stringContaining('read 1048576/1048576'),
    });
    expect(read('0xcd')).toMatchObject({ status: 1, stdout: expect.stringMatching(/verification failed/) });
  });
});
