/**
 * Hibernate and Start (restore) of the real demo guest, a managed VM: its state goes to a file in the backup
 * location and QEMU stops (the VM says hibernated); Start brings it back where it was: a file the test left in the
 * guest's RAM-only root is still there, its uptime went on from where it was (not a new boot), and the guest agent
 * answers. The state file is gone after.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Job, Vm } from '@qmpdeck/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoGuest, demoGuestBaseArgs } from '../guest/testing/demo-guest.ts';
import type { RunningBridge } from '../server.ts';
import { getJson, postJson, startTestBridge } from '../testing/bridge.ts';
import { waitFor } from '../testing/wait-for.ts';

/** Generous: the guest boots in seconds on an idle machine, far slower on a loaded 2-core box. */
const BOOT_WAIT_MS = 120_000;

describe.skipIf(!demoGuest)('hibernate and start (restore)', () => {
  let dir: string;
  let backups: string;
  let bridge: RunningBridge;

  const vm = async (): Promise<Vm> => (await getJson(bridge, '/api/vms/linux')).body as Vm;
  const guest = async (execute: string, args?: Record<string, unknown>): Promise<unknown> => {
    const answer = await postJson(bridge, '/api/vms/linux/guest/execute', { execute, arguments: args });
    if (answer.status !== 200) throw new Error(`${execute}: ${JSON.stringify(answer.body)}`);
    return answer.body.return;
  };
  const readGuestFile = async (path: string): Promise<string> => {
    const handle = await guest('guest-file-open', { path, mode: 'r' });
    const read = (await guest('guest-file-read', { handle, count: 4096 })) as { 'buf-b64': string };
    await guest('guest-file-close', { handle });
    return Buffer.from(read['buf-b64'], 'base64').toString('utf8');
  };
  const uptime = async () => Number((await readGuestFile('/proc/uptime')).split(' ')[0]);
  const agentAnswers = () =>
    waitFor(async () => (await vm()).guest?.agent === 'connected', 'the guest agent', BOOT_WAIT_MS);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bridge-hibernate-'));
    backups = join(dir, 'backups');
    mkdirSync(backups);
    const image = demoGuest as NonNullable<typeof demoGuest>;
    bridge = await startTestBridge(dir, {
      vms: [{ id: 'linux', launch: { args: demoGuestBaseArgs(image) } }],
      storage: [{ id: 'backups', path: backups, content: ['backup'] }],
    });
    await agentAnswers();
  }, BOOT_WAIT_MS + 30_000);

  afterAll(async () => {
    await bridge?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'saves the running guest to a file, stops QEMU, and Start brings it back where it was',
    async () => {
      const handle = await guest('guest-file-open', { path: '/tmp/before-hibernate', mode: 'w' });
      await guest('guest-file-write', { handle, 'buf-b64': Buffer.from('still here').toString('base64') });
      await guest('guest-file-close', { handle });
      const before = await uptime();

      const started = await postJson(bridge, '/api/vms/linux/hibernate', {});
      expect(started).toMatchObject({ status: 202, body: { kind: 'hibernate', status: 'running' } });
      const job = started.body as Job;
      const final = await waitFor(() => {
        const now = bridge.jobs.get(job.id);
        return now.status === 'running' ? undefined : now;
      }, 'the hibernation');
      expect(final).toMatchObject({ status: 'done', error: null });
      expect(final.progress?.current).toBeGreaterThan(0);
      await waitFor(async () => (await vm()).connection === 'stopped', 'QEMU stopped');
      expect(await vm()).toMatchObject({ connection: 'stopped', hibernated: true });
      const statePath = join(backups, 'hibernate-linux.state');
      expect(existsSync(statePath)).toBe(true);

      const restored = await postJson(bridge, '/api/vms/linux/start', {});
      // The whole answer, so a refusal shows its class and description.
      expect(restored).toMatchObject({ status: 200, body: { connection: 'connected', status: 'running' } });
      expect(restored.body.hibernated).toBeUndefined();
      expect(existsSync(statePath)).toBe(false);
      await agentAnswers();
      expect(await readGuestFile('/tmp/before-hibernate')).toBe('still here');
      expect(await uptime()).toBeGreaterThanOrEqual(before);
      const jobs = (await getJson(bridge, '/api/vms/linux/jobs')).body as Job[];
      expect(jobs.map((j) => [j.kind, j.status])).toEqual([
        ['hibernate-restore', 'done'],
        ['hibernate', 'done'],
      ]);
    },
    BOOT_WAIT_MS,
  );

  it(
    'a state file QEMU cannot load: Start says so in QEMU words, keeps the file, and the VM stays hibernated',
    async () => {
      await agentAnswers();
      const started = await postJson(bridge, '/api/vms/linux/hibernate', {});
      const job = started.body as Job;
      await waitFor(
        () => (bridge.jobs.get(job.id).status === 'running' ? undefined : true),
        'the hibernation',
      );
      await waitFor(async () => (await vm()).connection === 'stopped', 'QEMU stopped');
      const statePath = join(backups, 'hibernate-linux.state');
      truncateSync(statePath, Math.floor(statSync(statePath).size / 2));

      const refused = await postJson(bridge, '/api/vms/linux/start', {});
      expect(refused).toMatchObject({ status: 409, body: { error: { class: 'Conflict' } } });
      expect(refused.body.error.desc).toMatch(
        /the restore failed: QEMU exited with code 1: .*load of migration failed/,
      );
      expect(existsSync(statePath)).toBe(true);
      expect(await vm()).toMatchObject({ connection: 'stopped', hibernated: true });
    },
    BOOT_WAIT_MS,
  );
});
