/**
 * The bridge as a VM manager over HTTP, against real QEMU and the demo guest's ISO: a VM created with a new
 * 1 GiB qcow2 disk boots the ISO and its guest agent answers; it is cloned (a job with progress) and both run;
 * one is deleted keeping its disk, the other removing it. The files appear and disappear as said, and the
 * refusals of the contract (400 naming the field, 409 VmExists / VmRunning / NotDefined / InUse) hold.
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoGuest, NO_GUEST_REASON } from '../guest/testing/demo-guest.ts';
import type { RunningBridge } from '../server.ts';
import { qemuImgInfo } from '../storage/qemu-img.ts';
import { getJson, postJson, requestJson, startTestBridge } from '../testing/bridge.ts';
import { QEMU_BASE_ARGS } from '../testing/qemu.ts';
import { waitFor } from '../testing/wait-for.ts';

/** An ISO boot under TCG on a loaded machine: generous, as a state is waited for, never a time asserted. */
const BOOT_WAIT_MS = 240_000;
const GiB = 1024 ** 3;

describe.skipIf(demoGuest?.iso == null)('VMs made from definitions, with real QEMU', () => {
  let dir: string;
  let images: string;
  let bridge: RunningBridge;

  const agentAnswers = (id: string) =>
    waitFor(
      async () => {
        const answer = await postJson(bridge, `/api/vms/${id}/guest/execute`, {
          execute: 'guest-get-host-name',
        });
        return answer.status === 200 ? answer.body : undefined;
      },
      `the guest agent of ${id}`,
      BOOT_WAIT_MS,
    );
  const vmState = async (id: string) => (await getJson(bridge, `/api/vms/${id}`)).body;
  const diskFiles = async () =>
    (
      (await getJson(bridge, '/api/storage/local/files')).body as { name: string; usedBy: unknown[] }[]
    ).filter((file) => file.name.endsWith('.qcow2'));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bridge-vm-manager-'));
    images = join(dir, 'images');
    mkdirSync(images);
    copyFileSync(demoGuest?.iso as string, join(images, 'demo-guest.iso'));
    // A file in the storage that a config VM has open (its own -drive): in use although no definition names it.
    writeFileSync(join(images, 'attached.raw'), Buffer.alloc(1024 * 1024));
    const attached = ['-drive', `file=${join(images, 'attached.raw')},if=none,id=d0,format=raw,readonly=on`];
    bridge = await startTestBridge(dir, {
      vms: [{ id: 'from-config', launch: { args: [...QEMU_BASE_ARGS, ...attached] } }],
      storage: [{ id: 'local', path: images, content: ['disk', 'iso'] }],
      // What the demo guest's build saw work here: a /dev/kvm that opens may still fail (nested hosts).
      accelerators: demoGuest?.accelerators as ('kvm' | 'tcg')[],
    });
  });

  afterAll(async () => {
    await bridge?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses bad definitions naming the field, and ids that are taken', async () => {
    const badSize = await postJson(bridge, '/api/vms', { id: 'bad', disks: [{ size: 'lots' }] });
    expect(badSize.status).toBe(400);
    expect(badSize.body).toMatchObject({
      error: { class: 'BadRequest', desc: expect.stringContaining('disks[0].size') },
    });
    const unknown = await postJson(bridge, '/api/vms', { id: 'bad', colour: 'red' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.desc).toContain('colour');
    const outside = await postJson(bridge, '/api/vms', {
      id: 'bad',
      cdroms: [{ image: 'local:../etc/passwd' }],
    });
    expect(outside.status).toBe(400);
    const taken = await postJson(bridge, '/api/vms', { id: 'from-config' });
    expect(taken.status).toBe(409);
    expect(taken.body.error.class).toBe('VmExists');
    expect(existsSync(join(dir, 'vms', 'bad.json'))).toBe(false);
    expect(await diskFiles()).toEqual([]);
    await waitFor(async () => (await vmState('from-config')).connection === 'connected', 'from-config up');
    const open = await requestJson(bridge, 'DELETE', '/api/storage/local/files/attached.raw', undefined);
    expect(open.status).toBe(409);
    expect(open.body).toMatchObject({
      error: { class: 'InUse', desc: expect.stringContaining('from-config') },
    });
    expect(existsSync(join(images, 'attached.raw'))).toBe(true);
  });

  it('creates a VM with a new 1 GiB qcow2 disk and the ISO, stored as a definition, stopped', async () => {
    const created = await postJson(bridge, '/api/vms', {
      id: 'alpha',
      name: 'Alpha',
      memoryMiB: 256,
      disks: [{ size: '1G' }],
      cdroms: [{ image: 'local:demo-guest.iso' }],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'alpha', name: 'Alpha', origin: 'defined' });
    expect(created.body).toMatchObject({ connection: 'stopped', process: { state: 'exited', pid: null } });
    const definition = (await getJson(bridge, '/api/vms/alpha/definition')).body;
    expect(definition).toMatchObject({ id: 'alpha', machine: 'q35', firmware: 'bios', memoryMiB: 256 });
    const disk = definition.disks[0].image as string;
    expect(disk).toMatch(/^local:.+\.qcow2$/);
    const path = join(images, disk.slice('local:'.length));
    expect((await qemuImgInfo(path)).virtualSize).toBe(GiB);
    expect(definition.nics[0].mac).toMatch(/^52:54:00:/);
    expect(JSON.parse(readFileSync(join(dir, 'vms', 'alpha.json'), 'utf8'))).toEqual(definition);
    const again = await postJson(bridge, '/api/vms', { id: 'alpha' });
    expect(again.body.error.class).toBe('VmExists');
    const second = await postJson(bridge, '/api/vms', { id: 'thief', disks: [{ image: disk }] });
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ error: { class: 'InUse', desc: expect.stringContaining('alpha') } });
    expect((await getJson(bridge, '/api/vms/from-config/definition')).body.error.class).toBe('NotDefined');
  }, 60_000);

  it(
    'starts it: the ISO boots and the guest agent answers; a running VM refuses what needs a restart',
    async () => {
      expect((await postJson(bridge, '/api/vms/alpha/start', {})).status).toBe(200);
      expect(await agentAnswers('alpha')).toMatchObject({ return: { 'host-name': expect.any(String) } });
      const more = await requestJson(bridge, 'PUT', '/api/vms/alpha/definition', {
        ...(await getJson(bridge, '/api/vms/alpha/definition')).body,
        memoryMiB: 512,
      });
      expect(more.status).toBe(409);
      expect(more.body).toMatchObject({
        error: { class: 'VmRunning', desc: expect.stringContaining('memoryMiB') },
      });
      const renamed = await requestJson(bridge, 'PUT', '/api/vms/alpha/definition', {
        ...(await getJson(bridge, '/api/vms/alpha/definition')).body,
        name: 'Alpha (renamed)',
      });
      expect(renamed.status).toBe(200);
      expect((await vmState('alpha')).name).toBe('Alpha (renamed)');
      const busy = await requestJson(bridge, 'DELETE', '/api/vms/alpha', undefined);
      expect(busy.status).toBe(409);
      expect(busy.body.error.class).toBe('VmRunning');
      const [file] = await diskFiles();
      const inUse = await requestJson(bridge, 'DELETE', `/api/storage/local/files/${file?.name}`, undefined);
      expect(inUse.status).toBe(409);
      expect(inUse.body.error.class).toBe('InUse');
    },
    BOOT_WAIT_MS + 60_000,
  );

  it(
    'stops it with the power button, then clones it as a job and runs both',
    async () => {
      const stopped = await postJson(bridge, '/api/vms/alpha/stop', { timeoutMs: 60_000 });
      expect(stopped.status).toBe(200);
      expect(stopped.body).toMatchObject({ connection: 'stopped', process: { state: 'exited' } });
      // The guest heard the power button: no escalation to quit or kill.
      const timeline = (await getJson(bridge, '/api/vms/alpha/events?limit=1000')).body.events as {
        event: string;
      }[];
      const names = timeline.map((event) => event.event);
      expect(names).toContain('POWERDOWN');
      expect(names).not.toContain('BRIDGE_STOP_ESCALATED');
      const clone = await postJson(bridge, '/api/vms/alpha/clone', { id: 'beta', name: 'Beta' });
      expect(clone.status).toBe(202);
      expect(clone.body).toMatchObject({ job: { kind: 'clone' }, vm: { id: 'beta' } });
      const job = await waitFor(
        async () => {
          const jobs = (await getJson(bridge, '/api/jobs')).body as { id: string; status: string }[];
          const found = jobs.find((candidate) => candidate.id === clone.body.job.id);
          return found && found.status !== 'running' && found.status !== 'queued' ? found : undefined;
        },
        'the clone job to end',
        BOOT_WAIT_MS,
      );
      expect(job).toMatchObject({ status: 'done' });
      const alpha = (await getJson(bridge, '/api/vms/alpha/definition')).body;
      const beta = (await getJson(bridge, '/api/vms/beta/definition')).body;
      expect(beta.disks[0].image).not.toBe(alpha.disks[0].image);
      expect(beta.nics[0].mac).not.toBe(alpha.nics[0].mac);
      expect(beta.cdroms).toEqual(alpha.cdroms);
      expect((await diskFiles()).length).toBe(2);
      expect((await postJson(bridge, '/api/vms/alpha/start', {})).status).toBe(200);
      expect((await postJson(bridge, '/api/vms/beta/start', {})).status).toBe(200);
      await agentAnswers('alpha');
      await agentAnswers('beta');
      for (const id of ['alpha', 'beta']) {
        expect((await postJson(bridge, `/api/vms/${id}/kill`, {})).status).toBe(200);
        await waitFor(async () => (await vmState(id)).connection === 'stopped', `${id} to end`);
      }
    },
    3 * BOOT_WAIT_MS,
  );

  it('deletes one keeping its disk and the other removing it; never the ISO, never a config VM', async () => {
    const alphaDisk = join(
      images,
      (await getJson(bridge, '/api/vms/alpha/definition')).body.disks[0].image.slice(6),
    );
    const betaDisk = join(
      images,
      (await getJson(bridge, '/api/vms/beta/definition')).body.disks[0].image.slice(6),
    );
    const kept = await requestJson(bridge, 'DELETE', '/api/vms/alpha?disks=keep', undefined);
    expect(kept.status).toBe(200);
    expect(kept.body.deletedDisks).toEqual([]);
    expect(existsSync(alphaDisk)).toBe(true);
    expect(existsSync(join(dir, 'vms', 'alpha.json'))).toBe(false);
    const removed = await requestJson(bridge, 'DELETE', '/api/vms/beta?disks=delete', undefined);
    expect(removed.status).toBe(200);
    expect(removed.body.deletedDisks).toHaveLength(1);
    expect(existsSync(betaDisk)).toBe(false);
    expect(existsSync(join(images, 'demo-guest.iso'))).toBe(true);
    expect((await getJson(bridge, '/api/vms/beta')).status).toBe(404);
    const config = await requestJson(bridge, 'DELETE', '/api/vms/from-config', undefined);
    expect(config.status).toBe(409);
    expect(config.body.error.class).toBe('NotDefined');
    // The kept disk is free again: it may be deleted from the storage now.
    const free = await requestJson(
      bridge,
      'DELETE',
      `/api/storage/local/files/${alphaDisk.slice(images.length + 1)}`,
      undefined,
    );
    expect(free.status).toBe(204);
    expect(existsSync(alphaDisk)).toBe(false);
  }, 60_000);
});

if (demoGuest?.iso == null) console.warn(NO_GUEST_REASON);
