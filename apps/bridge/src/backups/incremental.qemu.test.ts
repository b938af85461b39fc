/**
 * Incremental backups against a real QEMU with a 256 MiB qcow2 disk made by qemu-img here: a full backup starts the
 * disk's persistent dirty bitmap in its transaction; after 1 MiB is written through the disk's device, an
 * incremental backup copies about that much into an image whose backing file is the full backup's, and that chain
 * is identical to the disk (qemu-img compare, once QEMU has quit); a backup another builds on cannot be deleted;
 * without a full backup to build on, an incremental one is refused.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Backup, Job } from '@qmpdeck/protocol';
import { QmpClient } from '@qmpdeck/qmp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBridge } from '../server.ts';
import { getJson, postJson, requestJson, startTestBridge } from '../testing/bridge.ts';
import { startQemu, type TestQemu } from '../testing/qemu.ts';
import { waitFor } from '../testing/wait-for.ts';

const MiB = 1024 * 1024;

describe('incremental backups', () => {
  let dir: string;
  let qemu: TestQemu;
  let monitor: QmpClient;
  let bridge: RunningBridge;

  const file = (name: string) => join(dir, name);
  const ended = (job: Job): Promise<Job> =>
    waitFor(() => {
      const now = bridge.jobs.get(job.id);
      return now.status === 'running' ? undefined : now;
    }, `job ${job.id} ended`);
  const backups = async () => (await getJson(bridge, '/api/vms/alpha/backups')).body as Backup[];
  const imagePath = (backup: Backup) =>
    join(dir, 'backups', (backup.disks[0]?.file ?? '').replace('backups:', ''));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bridge-incremental-'));
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', file('a.qcow2'), '256M']);
    execFileSync('qemu-io', ['-c', 'write -P 0xab 0 32M', file('a.qcow2')], { stdio: 'ignore' });
    qemu = await startQemu(dir, 'alpha', [
      '-blockdev',
      `driver=qcow2,node-name=drvA,file.driver=file,file.filename=${file('a.qcow2')}`,
      '-device',
      'virtio-blk-pci,drive=drvA,id=vblk0',
      '-qmp',
      `unix:${file('second.sock')},server=on,wait=off`,
    ]);
    monitor = await QmpClient.connect({ path: file('second.sock') });
    bridge = await startTestBridge(dir, {
      vms: [{ id: 'alpha', qmp: { socket: qemu.socket as string } }],
      storage: [{ id: 'backups', path: file('backups'), content: ['backup'] }],
    });
    await waitFor(() => bridge.registry.get('alpha')?.status === 'prelaunch', 'alpha connected');
  });

  afterAll(async () => {
    await monitor?.close();
    await bridge?.stop();
    await qemu?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses an incremental backup with nothing to build on', async () => {
    const refused = await postJson(bridge, '/api/vms/alpha/backups', { incremental: true });
    expect(refused).toMatchObject({ status: 409, body: { error: { class: 'Conflict' } } });
    expect(refused.body.error.desc).toMatch(/make a full one/);
  });

  it('copies only what changed since the full backup, as a chain identical to the disk', async () => {
    const full = await postJson(bridge, '/api/vms/alpha/backups', {});
    const fullDone = await ended(full.body);
    expect(fullDone, fullDone.error ?? '').toMatchObject({ status: 'done' });
    const blocks = (await monitor.execute('query-block')) as {
      inserted?: { 'dirty-bitmaps'?: { name: string; persistent: boolean }[] };
    }[];
    expect(blocks.flatMap((b) => b.inserted?.['dirty-bitmaps'] ?? [])).toEqual([
      expect.objectContaining({ name: 'qmpdeck-backup', persistent: true }),
    ]);
    await monitor.execute('human-monitor-command', {
      'command-line': 'qemu-io -d /machine/peripheral/vblk0/virtio-backend "write -P 0xcd 100M 1M"',
    });
    const incremental = await postJson(bridge, '/api/vms/alpha/backups', { incremental: true });
    expect(incremental.status).toBe(202);
    const done = await ended(incremental.body);
    expect(done).toMatchObject({ status: 'done' });
    const [top, base] = (await backups()) as [Backup, Backup];
    expect(top).toMatchObject({ incremental: true, base: base.id });
    expect(base).toMatchObject({ incremental: false });
    const info = JSON.parse(
      execFileSync('qemu-img', ['info', '-U', '--output=json', imagePath(top)], { encoding: 'utf8' }),
    ) as { 'actual-size': number; 'full-backing-filename': string };
    expect(info['full-backing-filename']).toBe(imagePath(base));
    expect(info['actual-size']).toBeLessThan(8 * MiB);
    expect(top.size).toBeLessThan(base.size);

    const removeBase = await requestJson(bridge, 'DELETE', `/api/vms/alpha/backups/${base.id}`, undefined);
    expect(removeBase).toMatchObject({ status: 409, body: { error: { class: 'Conflict' } } });

    await monitor.execute('quit').catch(() => {}); // QEMU may close the monitor before it answers
    await qemu.exited;
    expect(spawnSync('qemu-img', ['compare', file('a.qcow2'), imagePath(top)])).toMatchObject({ status: 0 });
    expect(spawnSync('qemu-img', ['compare', file('a.qcow2'), imagePath(base)])).toMatchObject({ status: 1 });
  });
});
