/**
 * QEMU's own jobs followed live, against a real QEMU with qcow2 disks made by qemu-img here: a rate-limited
 * `blockdev-backup` started as a job by an operator shows its progress moving in `job` messages and the task log,
 * pauses for real (`job-pause`; the drain noise at its start is no pause), resumes, ends done; another is
 * cancelled and ends cancelled, dismissed from QEMU. Each QMP command of the job is in the audit log as the
 * operator's, allowed as part of `backup.create` though an operator may not send `blockdev-backup` itself; the
 * job's start and end are in the VM's timeline with the operator's command as their cause; a viewer may not
 * steer it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventRecord, Job, JobMessage } from '@qmpdeck/protocol';
import { QmpClient } from '@qmpdeck/qmp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOBODY } from '../auth/principal.ts';
import type { CommandRequest } from '../commands/command-request.ts';
import type { RunningBridge } from '../server.ts';
import { bearer, getJson, postJson, startTestBridge } from '../testing/bridge.ts';
import { startQemu, type TestQemu } from '../testing/qemu.ts';
import { roleUsers, userConfig } from '../testing/users.ts';
import { waitFor } from '../testing/wait-for.ts';
import { TestWsClient } from '../testing/ws-client.ts';
import { followQemuJobs, qemuJobControls } from './follow-qemu-jobs.ts';
import { causeOf, qemuJobLink } from './qemu-job-link.ts';

const MiB = 1024 * 1024;
const { operator, viewer } = roleUsers;

describe('QEMU jobs followed live', () => {
  let dir: string;
  let qemu: TestQemu;
  let bridge: RunningBridge;
  let ws: TestWsClient;
  /** A second monitor on the same QEMU: what QEMU itself says, beside what the bridge says. */
  let monitor: QmpClient;

  const as = (user: typeof operator) => bearer(user.token);

  /** A backup of drvA into `target` at `speed` bytes/s, started as a job by the operator (as backup.create would). */
  function startBackup(jobId: string, target: string, speed: number) {
    const vm = bridge.registry.get('alpha');
    if (!vm) throw new Error('no alpha');
    const request: CommandRequest = {
      vm: 'alpha',
      target: 'bridge',
      command: 'backup.create',
      actor: { client: 'http', user: operator.name, origin: 'Backup button', remote: '127.0.0.1' },
      principal: { ...NOBODY, user: { name: operator.name, role: 'operator' }, via: 'token' },
      clientCommandId: `test-${jobId}`,
    };
    const link = qemuJobLink(bridge.pipeline, vm, request);
    return bridge.jobs.start(
      {
        kind: 'backup',
        vm: 'alpha',
        user: operator.name,
        command: 'backup.create',
        description: `backup of drvA to ${target}`,
        controls: qemuJobControls(link, [jobId]),
        cause: causeOf(request),
      },
      async (progress, signal) => {
        await link.send('blockdev-backup', {
          'job-id': jobId,
          device: 'drvA',
          target,
          sync: 'full',
          speed,
          'auto-dismiss': false,
        });
        await followQemuJobs(link, [jobId], progress, signal);
      },
    );
  }

  const jobMessages = (id: string): Job[] =>
    ws.messages
      .filter((message): message is JobMessage => message.type === 'job' && message.job.id === id)
      .map((message) => message.job);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bridge-qemu-jobs-'));
    for (const name of ['a', 'ta', 'tb']) {
      execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', join(dir, `${name}.qcow2`), '256M']);
    }
    execFileSync('qemu-io', ['-c', 'write -P 0xab 0 64M', join(dir, 'a.qcow2')], { stdio: 'ignore' });
    const node = (name: string, file: string) => [
      '-blockdev',
      `driver=qcow2,node-name=${name},file.driver=file,file.filename=${join(dir, file)}`,
    ];
    qemu = await startQemu(dir, 'alpha', [
      ...node('drvA', 'a.qcow2'),
      '-device',
      'virtio-blk-pci,drive=drvA,id=vblk0',
      ...node('ta', 'ta.qcow2'),
      ...node('tb', 'tb.qcow2'),
      '-qmp',
      `unix:${join(dir, 'second.sock')},server=on,wait=off`,
    ]);
    monitor = await QmpClient.connect({ path: join(dir, 'second.sock') });
    bridge = await startTestBridge(dir, {
      vms: [{ id: 'alpha', qmp: { socket: qemu.socket as string } }],
      users: [userConfig(operator), userConfig(viewer)],
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

  it('shows progress moving, pauses for real, resumes and ends done, in messages and the task log', async () => {
    const { job, done } = startBackup('bk1', 'ta', 48 * MiB);
    expect(job).toMatchObject({
      kind: 'backup',
      status: 'running',
      user: operator.name,
      can: { pause: true },
    });
    // Some progress, not all of it.
    await waitFor(
      () =>
        jobMessages(job.id).some(
          (m) => m.progress && m.progress.current > 0 && m.progress.current < 256 * MiB,
        ),
      'progress under way',
    );
    const paused = await postJson(bridge, `/api/jobs/${job.id}/pause`, {}, as(operator));
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ status: 'paused', can: { pause: false, resume: true } });
    const queried = (await monitor.execute('query-jobs')) as { id: string; status: string }[];
    expect(queried.find((q) => q.id === 'bk1')?.status).toBe('paused');
    expect((await getJson(bridge, `/api/vms/alpha/jobs`, as(viewer))).body[0]).toMatchObject({
      id: job.id,
      status: 'paused',
    });
    expect((await postJson(bridge, `/api/jobs/${job.id}/resume`, {}, as(viewer))).status).toBe(403);
    expect((await postJson(bridge, `/api/jobs/${job.id}/resume`, {}, as(operator))).body.status).toBe(
      'running',
    );
    const final = await done;
    expect(final).toMatchObject({ status: 'done', progress: { current: 256 * MiB, total: 256 * MiB } });
    await waitFor(() => jobMessages(job.id).at(-1)?.status === 'done', 'the done message');
    const progressSeen = jobMessages(job.id).flatMap((m) => (m.progress ? [m.progress.current] : []));
    expect(new Set(progressSeen).size).toBeGreaterThanOrEqual(3);
    expect(progressSeen).toEqual([...progressSeen].sort((a, b) => a - b));
    // Only the registry's pause said paused: the drain noise at the start did not.
    const statuses = jobMessages(job.id).map((m) => m.status);
    expect(statuses.filter((s) => s === 'paused')).toHaveLength(1);
    expect((await monitor.execute('query-jobs')) as unknown[]).toEqual([]);
    const listed = await getJson(bridge, '/api/jobs?vm=alpha&status=done', as(viewer));
    expect(listed.body.map((j: Job) => j.id)).toContain(job.id);
  });

  it("audits the job's QMP commands as the operator's, allowed as part of backup.create", async () => {
    expect(
      (
        await postJson(
          bridge,
          '/api/vms/alpha/execute',
          { execute: 'job-dismiss', arguments: { id: 'x' } },
          as(operator),
        )
      ).status,
    ).toBe(403);
    bridge.audit.flush();
    const entries = bridge.audit.page({ vm: 'alpha', user: operator.name, limit: 100 });
    const commands = entries.filter((e) => e.outcome === 'ok').map((e) => e.command);
    expect(commands).toEqual(
      expect.arrayContaining(['blockdev-backup', 'job-pause', 'job-resume', 'job-dismiss']),
    );
    expect(entries.find((e) => e.command === 'blockdev-backup')).toMatchObject({
      user: operator.name,
      role: 'operator',
      origin: 'backup.create job',
    });
  });

  it('puts the start and end in the timeline, caused by the command that started the job', async () => {
    const events = (await getJson(bridge, '/api/vms/alpha/events?limit=1000', as(viewer))).body
      .events as EventRecord[];
    const started = events.find((e) => e.event === 'BRIDGE_JOB_STARTED');
    const ended = events.find((e) => e.event === 'BRIDGE_JOB_ENDED');
    expect(started).toMatchObject({
      data: { kind: 'backup' },
      cause: { command: 'backup.create', user: operator.name },
    });
    expect(ended).toMatchObject({
      data: { outcome: 'done' },
      cause: { command: 'backup.create', user: operator.name },
    });
  });

  it('cancels: the job ends cancelled, QEMU concluded and dismissed it', async () => {
    const { job, done } = startBackup('bk2', 'tb', 4 * MiB);
    await waitFor(
      () => jobMessages(job.id).some((m) => (m.progress?.current ?? 0) > 0),
      'progress under way',
    );
    expect((await postJson(bridge, `/api/jobs/${job.id}/cancel`, {}, as(viewer))).status).toBe(403);
    const cancelled = await postJson(bridge, `/api/jobs/${job.id}/cancel`, {}, as(operator));
    expect(cancelled.body).toMatchObject({ status: 'cancelled', can: { cancel: false, dismiss: true } });
    expect((await done).status).toBe('cancelled');
    expect((await monitor.execute('query-jobs')) as unknown[]).toEqual([]);
    const events = (await getJson(bridge, '/api/vms/alpha/events?limit=1000', as(viewer))).body
      .events as EventRecord[];
    expect(events.some((e) => e.event === 'BLOCK_JOB_CANCELLED' && e.data?.device === 'bk2')).toBe(true);
    expect(events.some((e) => e.event === 'BLOCK_JOB_COMPLETED' && e.data?.device === 'bk2')).toBe(false);
    expect(events.filter((e) => e.event === 'BRIDGE_JOB_ENDED').at(-1)).toMatchObject({
      data: { outcome: 'cancelled' },
    });
    const dismissed = await postJson(bridge, `/api/jobs/${job.id}/dismiss`, {}, as(operator));
    expect(dismissed.status).toBe(200);
    expect(
      (await getJson(bridge, `/api/vms/alpha/jobs`, as(viewer))).body.map((j: Job) => j.id),
    ).not.toContain(job.id);
    expect(ws.invalid).toEqual([]);
  });
});
