/**
 * Memory dumps against a real QEMU: a dump is a job with progress that ends done, its file an ELF core of the
 * guest's memory in the storage location holding dumps, listed, downloadable and deletable by who may dump; a
 * viewer may neither dump nor download; a bridge with nowhere to put dumps says so (409). The job cannot be
 * cancelled (QEMU cannot), and says so.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventRecord, Job } from '@qmpdeck/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBridge } from '../server.ts';
import { bearer, getJson, postJson, requestJson, startTestBridge } from '../testing/bridge.ts';
import { startQemu, type TestQemu } from '../testing/qemu.ts';
import { roleUsers, userConfig } from '../testing/users.ts';
import { waitFor } from '../testing/wait-for.ts';

const { admin, viewer } = roleUsers;
const as = (user: typeof admin) => bearer(user.token);

describe('memory dumps', () => {
  let dir: string;
  let dumps: string;
  let qemu: TestQemu;
  let bridge: RunningBridge;

  const ended = (job: Job): Promise<Job> =>
    waitFor(() => {
      const now = bridge.jobs.get(job.id);
      return now.status === 'running' ? undefined : now;
    }, `job ${job.id} ended`);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bridge-dumps-'));
    dumps = join(dir, 'dumps');
    mkdirSync(dumps);
    qemu = await startQemu(dir, 'alpha');
    bridge = await startTestBridge(dir, {
      vms: [{ id: 'alpha', qmp: { socket: qemu.socket as string } }],
      users: [userConfig(admin), userConfig(viewer)],
      storage: [
        { id: 'images', path: join(dir, 'images'), content: ['disk'] },
        { id: 'dumps', path: dumps, content: ['dump'] },
      ],
    });
    await waitFor(() => bridge.registry.get('alpha')?.status === 'prelaunch', 'alpha connected');
  });

  afterAll(async () => {
    await bridge?.stop();
    await qemu?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('dumps the guest memory as a job into the dump location: an ELF file, listed, downloadable', async () => {
    expect((await postJson(bridge, '/api/vms/alpha/dump', {}, as(viewer))).status).toBe(403);
    const started = await postJson(bridge, '/api/vms/alpha/dump', {}, as(admin));
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({
      kind: 'dump',
      user: admin.name,
      can: { cancel: false, pause: false },
    });
    const cancel = await postJson(bridge, `/api/jobs/${started.body.id}/cancel`, {}, as(admin));
    // Done already, or running and not cancellable: never cancelled.
    expect(cancel.status).toBe(409);
    const final = await ended(started.body);
    expect(final).toMatchObject({ status: 'done', error: null });
    expect(final.progress?.total).toBeGreaterThan(64 * 1024 * 1024);
    expect(final.progress?.current).toBe(final.progress?.total);
    const files = readdirSync(dumps);
    expect(files).toHaveLength(1);
    const name = files[0] as string;
    expect(name).toMatch(/^dump-alpha-\d{4}-\d\d-\d\dT[\d-]+Z\.elf$/);
    expect(readFileSync(join(dumps, name)).subarray(0, 4)).toEqual(Buffer.from('\x7fELF', 'latin1'));

    const listed = await getJson(bridge, '/api/vms/alpha/dumps', as(viewer));
    expect(listed.body).toEqual([
      expect.objectContaining({
        name,
        vm: 'alpha',
        storage: 'dumps',
        size: readFileSync(join(dumps, name)).length,
      }),
    ]);
    const refused = await fetch(`${bridge.url}/api/vms/alpha/dumps/${name}`, { headers: as(viewer) });
    expect(refused.status).toBe(403);
    const download = await fetch(`${bridge.url}/api/vms/alpha/dumps/${name}`, { headers: as(admin) });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toContain(name);
    expect(Buffer.from(await download.arrayBuffer()).equals(readFileSync(join(dumps, name)))).toBe(true);
    const events = (await getJson(bridge, '/api/vms/alpha/events?limit=1000', as(admin))).body
      .events as EventRecord[];
    expect(events.find((e) => e.event === 'BRIDGE_JOB_ENDED')).toMatchObject({
      data: { kind: 'dump', outcome: 'done' },
      cause: { command: 'vm.dump', user: admin.name },
    });
  });

  it('deletes a dump; names that are not one of the VM dumps are not found', async () => {
    const [name] = readdirSync(dumps) as [string];
    const other = await requestJson(
      bridge,
      'DELETE',
      '/api/vms/alpha/dumps/..%2Fevents.db',
      undefined,
      as(admin),
    );
    expect(other).toMatchObject({ status: 404, body: { error: { class: 'FileNotFound' } } });
    expect(
      (await requestJson(bridge, 'DELETE', `/api/vms/alpha/dumps/${name}`, undefined, as(viewer))).status,
    ).toBe(403);
    expect(
      (await requestJson(bridge, 'DELETE', `/api/vms/alpha/dumps/${name}`, undefined, as(admin))).status,
    ).toBe(200);
    expect(readdirSync(dumps)).toEqual([]);
  });

  it('says where dumps could go when no location holds them', async () => {
    const bare = await startTestBridge(join(dir, 'second'), {
      vms: [{ id: 'alpha', qmp: { socket: qemu.socket as string } }],
    });
    try {
      const answer = await postJson(bare, '/api/vms/alpha/dump', {});
      expect(answer).toMatchObject({ status: 409, body: { error: { class: 'Conflict' } } });
      expect(answer.body.error.desc).toMatch(/no storage location holds memory dumps/);
    } finally {
      await bare.stop();
    }
  });
});
