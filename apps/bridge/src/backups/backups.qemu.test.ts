/**
 * Backups against a real QEMU with two disks made by qemu-img here (a 256 MiB qcow2 and a raw one): a backup is
 * one grouped transaction whose progress goes from 0 to all of it, and whose images `qemu-img compare` finds
 * identical to the disks at the backup point although they were written to while it ran; a cancelled backup ends
 * cancelled and leaves no file; a restore over the stopped VM brings the disks back to the backup point; delete.
 *
 * The writes during the backup are QEMU's own `qemu-io` on the disks' devices (through the device, as a guest's
 * writes go), on a machine paused before boot: nothing writes between the copies taken before QEMU started (the
 * reference "at the backup point") and the backup's start, so the backup must equal them, not the disks after.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Backup, Job, JobMessage } from '@qmpdeck/protocol';
import { QmpClient } from '@qmpdeck/qmp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBridge } from '../server.ts';
import { bearer, getJson, postJson, requestJson, startTestBridge } from '../testing/bridge.ts';
import { startQemu, type TestQemu } from '../testing/qemu.ts';
import { roleUsers, userConfig } from '../testing/users.ts';
import { waitFor } from '../testing/wait-for.ts';
import { TestWsClient } from '../testing/ws-client.ts';

const MiB = 1024 * 1024;
const { admin, operator, viewer } = roleUsers;
const as = (user: typeof admin) => bearer(user.token);

describe('backups', () => {
  let dir: string;
  let backups: string;
  let qemu: TestQemu;
  let monitor: QmpClient;
  let bridge: RunningBridge;
  let ws: TestWsClient;

  const file = (name: string) => join(dir, name);
  const ended = (job: Job): Promise<Job> =>
    waitFor(() => {
      const now = bridge.jobs.get(job.id);
      return now.status === 'running' || now.status === 'paused' ? undefined : now;
    }, `job ${job.id} ended`);
  const jobMessages = (id: string): Job[] =>
    ws.messages
      .filter((message): message is JobMessage => message.type === 'job' && message.job.id === id)
      .map((message) => message.job);
  const write = (device: string, pattern: string, offset: string) =>
    monitor.execute('human-monitor-command', {
      'command-line': `qemu-io -d /machine/peripheral/${device}/virtio-backend "write -P ${pattern} ${offset} 1M"`,
    });
  const qemuArgs = () => [
    '-blockdev',
    `driver=qcow2,node-name=drvA,file.driver=file,file.filename=${file('a.qcow2')}`,
    '-device',
    'virtio-blk-pci,drive=drvA,id=vblk0',
    '-blockdev',
    `driver=raw,node-name=drvB,file.driver=file,file.filename=${file('b.raw')}`,
    '-device',
    'virtio-blk-pci,drive=drvB,id=vblk1',
    '-qmp',
    `unix:${file('second.sock')},server=on,wait=off`,
  ];
  /** `qemu-img compare`: 0 identical, 1 different. */
  const compare = (a: string, b: string) => spawnSync('qemu-img', ['compare', a, b], { encoding: 'utf8' });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bridge-backups-'));
    backups = join(dir, 'backups');
    mkdirSync(backups);
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', file('a.qcow2'), '256M']);
    execFileSync('qemu-io', ['-c', 'write -P 0xab 0 64M', file('a.qcow2')], { stdio: 'ignore' });
    execFileSync('qemu-img', ['create', '-q', '-f', 'raw', file('b.raw'), '32M']);
    execFileSync('qemu-io', ['-f', 'raw', '-c', 'write -P 0x11 0 4M', file('b.raw')], { stdio: 'ignore' });
    copyFileSync(file('a.qcow2'), file('a-at-backup.qcow2'));
    copyFileSync(file('b.raw'), file('b-at-backup.raw'));
    qemu = await startQemu(dir, 'alpha', qemuArgs());
    monitor = await QmpClient.connect({ path: file('second.sock') });
    bridge = await startTestBridge(dir, {
      vms: [{ id: 'alpha', qmp: { socket: qemu.socket as string } }],
      users: [userConfig(admin), userConfig(operator), userConfig(viewer)],
      storage: [{ id: 'backups', path: backups, content: ['backup'] }],
    });
    await waitFor(() => bridge.registry.get('alpha')?.status === 'prelaunch', 'alpha connected');
    ws = await TestWsClient.connect(bridge.url, as(viewer));
  });

  afterAll(async () => {
    ws?.close();
    await monitor?.close();
    await bridge?.stop();
    await qemu?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a backup by a viewer, and audits the refusal', async () => {
    const refused = await postJson(bridge, '/api/vms/alpha/backups', {}, as(viewer));
    expect(refused).toMatchObject({ status: 403, body: { error: { class: 'Forbidden' } } });
    bridge.audit.flush();
    expect(bridge.audit.page({ vm: 'alpha', user: viewer.name })[0]).toMatchObject({
      command: 'backup.create',
      outcome: 'Forbidden',
    });
  });

  it('backs up both disks at one instant while they are written to: progress 0 to all, images identical to the backup point', async () => {
    const started = await postJson(bridge, '/api/vms/alpha/backups', { speed: 48 * MiB }, as(operator));
    expect(started.status).toBe(202);
    const job = started.body as Job;
    expect(job).toMatchObject({
      kind: 'backup',
      user: operator.name,
      progress: { current: 0, total: 288 * MiB },
    });
    await waitFor(
      () => jobMessages(job.id).some((m) => (m.progress?.current ?? 0) > 8 * MiB),
      'the backup under way',
    );
    await write('vblk0', '0xcd', '0');
    await write('vblk0', '0xcd', '200M');
    await write('vblk1', '0x22', '0');
    expect(bridge.jobs.get(job.id).status).toBe('running');
    expect(await ended(job)).toMatchObject({
      status: 'done',
      progress: { current: 288 * MiB, total: 288 * MiB },
    });
    await waitFor(() => jobMessages(job.id).at(-1)?.status === 'done', 'the last message');
    const seen = jobMessages(job.id).map((m) => m.progress?.current ?? -1);
    expect(seen[0]).toBe(0);
    expect(seen.at(-1)).toBe(288 * MiB);
    expect(new Set(seen).size).toBeGreaterThanOrEqual(4);

    const listed = (await getJson(bridge, '/api/vms/alpha/backups', as(viewer))).body as Backup[];
    expect(listed).toHaveLength(1);
    const [backup] = listed as [Backup];
    expect(backup).toMatchObject({ vm: 'alpha', storage: 'backups', user: operator.name });
    expect(backup.disks).toHaveLength(2);
    expect(backup.size).toBeGreaterThan(64 * MiB);
    const image = (n: number) => join(backups, (backup.disks[n]?.file ?? '').replace('backups:', ''));
    expect(compare(file('a-at-backup.qcow2'), image(0))).toMatchObject({ status: 0 });
    expect(compare(file('b-at-backup.raw'), image(1))).toMatchObject({ status: 0 });
  });

  it('cancels a backup: it ends cancelled and leaves no file behind', async () => {
    const before = readdirSync(backups).sort();
    const started = await postJson(bridge, '/api/vms/alpha/backups', { speed: 4 * MiB }, as(operator));
    const job = started.body as Job;
    await waitFor(() => (bridge.jobs.get(job.id).progress?.current ?? 0) > 0, 'the backup under way');
    expect(readdirSync(backups).length).toBeGreaterThan(before.length);
    const cancelled = await postJson(bridge, `/api/jobs/${job.id}/cancel`, {}, as(operator));
    expect(cancelled.body).toMatchObject({ status: 'cancelled' });
    expect(readdirSync(backups).sort()).toEqual(before);
    expect((await getJson(bridge, '/api/vms/alpha/backups', as(viewer))).body).toHaveLength(1);
    expect(await monitor.execute('query-jobs')).toEqual([]);
    const nodes = (await monitor.execute('query-named-block-nodes')) as { 'node-name': string }[];
    expect(nodes.filter((node) => node['node-name'].startsWith('qmpdeck-'))).toEqual([]);
  });

  it('restores over the stopped VM: its disks are back at the backup point', async () => {
    const [backup] = (await getJson(bridge, '/api/vms/alpha/backups', as(viewer))).body as [Backup];
    const restorePath = `/api/vms/alpha/backups/${backup.id}/restore`;
    const running = await postJson(bridge, restorePath, {}, as(admin));
    expect(running).toMatchObject({ status: 409, body: { error: { class: 'VmRunning' } } });
    await monitor.execute('quit').catch(() => {}); // QEMU may close the monitor before it answers
    await qemu.exited;
    await waitFor(() => bridge.registry.get('alpha')?.connection !== 'connected', 'alpha gone');
    expect(compare(file('a-at-backup.qcow2'), file('a.qcow2'))).toMatchObject({ status: 1 });
    expect((await postJson(bridge, restorePath, {}, as(operator))).status).toBe(403);
    const restore = await postJson(bridge, restorePath, {}, as(admin));
    expect(restore).toMatchObject({ status: 202, body: { kind: 'restore' } });
    expect(await ended(restore.body)).toMatchObject({ status: 'done' });
    expect(compare(file('a-at-backup.qcow2'), file('a.qcow2'))).toMatchObject({ status: 0 });
    expect(compare(file('b-at-backup.raw'), file('b.raw'))).toMatchObject({ status: 0 });
  });

  it('deletes a backup: its manifest and images go; an unknown one is not found', async () => {
    const [backup] = (await getJson(bridge, '/api/vms/alpha/backups', as(viewer))).body as [Backup];
    const unknown = await requestJson(
      bridge,
      'DELETE',
      '/api/vms/alpha/backups/backup-alpha-x',
      undefined,
      as(admin),
    );
    expect(unknown).toMatchObject({ status: 404, body: { error: { class: 'BackupNotFound' } } });
    const path = `/api/vms/alpha/backups/${backup.id}`;
    expect((await requestJson(bridge, 'DELETE', path, undefined, as(operator))).status).toBe(403);
    expect((await requestJson(bridge, 'DELETE', path, undefined, as(admin))).status).toBe(200);
    expect(readdirSync(backups)).toEqual([]);
    expect((await getJson(bridge, '/api/vms/alpha/backups', as(viewer))).body).toEqual([]);
    expect(ws.invalid).toEqual([]);
  });

  it('keeps the last N backups once a retention rule is set (an admin sets it; it applies after each backup)', async () => {
    await monitor.close();
    qemu = await startQemu(dir, 'alpha', qemuArgs());
    monitor = await QmpClient.connect({ path: file('second.sock') });
    await waitFor(() => bridge.registry.get('alpha')?.status === 'prelaunch', 'alpha connected again');
    const path = '/api/vms/alpha/backups/retention';
    expect((await getJson(bridge, path, as(viewer))).body).toEqual({ keep: null });
    expect((await requestJson(bridge, 'PUT', path, { keep: 2 }, as(operator))).status).toBe(403);
    expect((await requestJson(bridge, 'PUT', path, { keep: 0 }, as(admin))).status).toBe(400);
    expect(await requestJson(bridge, 'PUT', path, { keep: 2 }, as(admin))).toMatchObject({
      status: 200,
      body: { keep: 2, removed: [] },
    });
    const made: string[] = [];
    for (let i = 0; i < 3; i++) {
      const started = await postJson(bridge, '/api/vms/alpha/backups', {}, as(operator));
      expect(await ended(started.body)).toMatchObject({ status: 'done' });
      const [newest] = (await getJson(bridge, '/api/vms/alpha/backups', as(viewer))).body as [Backup];
      made.push(newest.id);
    }
    const kept = ((await getJson(bridge, '/api/vms/alpha/backups', as(viewer))).body as Backup[]).map(
      (b) => b.id,
    );
    expect(kept).toEqual([made[2], made[1]]);
    // Two backups of two disks, each an image per disk and a manifest.
    expect(readdirSync(backups)).toHaveLength(6);
    expect(await requestJson(bridge, 'PUT', path, { keep: 1 }, as(admin))).toMatchObject({
      body: { keep: 1, removed: [made[1]] },
    });
    expect(readdirSync(backups)).toHaveLength(3);
  });
});
