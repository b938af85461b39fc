/**
 * Who may make and unmake VMs and write storage, with the default policy: admins create, change, clone and
 * delete VMs and upload, download and delete files; operators and viewers are refused (403 Forbidden, nothing
 * made, nothing written), and every attempt is a row of the audit log with its user and outcome. Reading
 * definitions, storage and jobs is for anyone signed in. No QEMU: the VMs are made, never started.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditEntry } from '@qmpdeck/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBridge } from '../server.ts';
import { bearer, getJson, postJson, requestJson, startTestBridge } from '../testing/bridge.ts';
import { upload } from '../testing/upload.ts';
import { ROLES, roleUsers, userConfig } from '../testing/users.ts';

describe('the default policy on the VM manager', () => {
  let dir: string;
  let images: string;
  let bridge: RunningBridge;
  const as = (role: keyof typeof roleUsers) => bearer(roleUsers[role].token);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bridge-manager-policy-'));
    images = join(dir, 'images');
    mkdirSync(images);
    writeFileSync(join(images, 'old.iso'), 'iso');
    bridge = await startTestBridge(dir, {
      users: ROLES.map((role) => userConfig(roleUsers[role])),
      storage: [{ id: 'local', path: images, content: ['disk', 'iso'] }],
    });
  });

  afterAll(async () => {
    await bridge?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lets only admins create, change and delete VMs; everyone signed in reads them', async () => {
    for (const role of ['viewer', 'operator'] as const) {
      const refused = await postJson(bridge, '/api/vms', { id: `by-${role}` }, as(role));
      expect(refused.status, role).toBe(403);
      expect(refused.body.error.class).toBe('Forbidden');
    }
    const created = await postJson(
      bridge,
      '/api/vms',
      { id: 'made', cdroms: [{ image: 'local:old.iso' }] },
      as('admin'),
    );
    expect(created.status).toBe(201);
    expect(existsSync(join(dir, 'vms', 'by-operator.json'))).toBe(false);
    for (const role of ROLES) {
      expect((await getJson(bridge, '/api/vms/made/definition', as(role))).status, role).toBe(200);
      expect((await getJson(bridge, '/api/storage/local/files', as(role))).status, role).toBe(200);
      expect((await getJson(bridge, '/api/jobs', as(role))).status, role).toBe(200);
    }
    const definition = (await getJson(bridge, '/api/vms/made/definition', as('admin'))).body;
    const change = { ...definition, memoryMiB: 1024 };
    expect(
      (await requestJson(bridge, 'PUT', '/api/vms/made/definition', change, as('operator'))).status,
    ).toBe(403);
    expect((await requestJson(bridge, 'PUT', '/api/vms/made/definition', change, as('admin'))).status).toBe(
      200,
    );
    expect((await postJson(bridge, '/api/vms/made/clone', { id: 'copy' }, as('operator'))).status).toBe(403);
    expect((await requestJson(bridge, 'DELETE', '/api/vms/made', undefined, as('operator'))).status).toBe(
      403,
    );
    expect((await getJson(bridge, '/api/vms/made', as('admin'))).status).toBe(200);
    expect((await requestJson(bridge, 'DELETE', '/api/vms/made', undefined, as('admin'))).status).toBe(200);
  });

  it('lets only admins write storage, and refuses before a byte is written', async () => {
    const refused = await upload(`${bridge.url}/api/storage/local/files/new.iso`, {
      bytes: 4096,
      headers: as('operator'),
    });
    if (refused.status !== null) expect(refused.status).toBe(403);
    expect(existsSync(join(images, 'new.iso'))).toBe(false);
    const download = await postJson(
      bridge,
      '/api/storage/local/download',
      { url: 'http://127.0.0.1:9/x.iso', name: 'x.iso' },
      as('operator'),
    );
    expect(download.status).toBe(403);
    const deleted = await requestJson(
      bridge,
      'DELETE',
      '/api/storage/local/files/old.iso',
      undefined,
      as('operator'),
    );
    expect(deleted.status).toBe(403);
    expect(existsSync(join(images, 'old.iso'))).toBe(true);
    const stored = await upload(`${bridge.url}/api/storage/local/files/new.iso`, {
      bytes: 4096,
      headers: as('admin'),
    });
    expect(stored.status).toBe(201);
  });

  it('writes an audit row for every attempt, with its user and outcome', async () => {
    const page = await getJson(bridge, '/api/audit?limit=200', as('admin'));
    const rows = (page.body.entries as AuditEntry[]).filter((row) => row.target === 'bridge');
    const seen = (command: string, user: string, outcome: string) =>
      rows.some((row) => row.command === command && row.user === user && row.outcome === outcome);
    expect(seen('vm.create', 'ada', 'ok')).toBe(true);
    expect(seen('vm.create', 'otto', 'Forbidden')).toBe(true);
    expect(seen('vm.define', 'ada', 'ok')).toBe(true);
    expect(seen('vm.clone', 'otto', 'Forbidden')).toBe(true);
    expect(seen('vm.delete', 'ada', 'ok')).toBe(true);
    expect(seen('storage.upload', 'otto', 'Forbidden')).toBe(true);
    expect(seen('storage.upload', 'ada', 'ok')).toBe(true);
    expect(seen('storage.download', 'otto', 'Forbidden')).toBe(true);
    expect(seen('storage.delete', 'otto', 'Forbidden')).toBe(true);
    const upload = rows.find((row) => row.command === 'storage.upload' && row.user === 'ada');
    expect(upload?.arguments).toMatchObject({ storage: 'local', name: 'new.iso' });
  });
});
