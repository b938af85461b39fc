/**
 * Who an `InUse` refusal names: the VM holding the image when the caller may see it, "another VM" when it is
 * outside the caller's scope. Real files and the real usage check; the holder is a stored definition.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VmDefinition } from '@qmpdeck/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { NOBODY, type Principal } from '../auth/principal.ts';
import { Images } from '../definitions/images.ts';
import { silentLogger } from '../log.ts';
import { FileUsage } from '../storage/file-usage.ts';
import { StorageFiles } from '../storage/storage-files.ts';
import { StorageLocations } from '../storage/storage-locations.ts';
import { VmRegistry } from '../vms/vm-registry.ts';
import { claimImage } from './image-claim.ts';

const dir = mkdtempSync(join(tmpdir(), 'qmpdeck-image-claim-'));
writeFileSync(join(dir, 'data.img'), Buffer.alloc(4096));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const locations = new StorageLocations(
  [{ id: 'local', path: dir, content: ['disk', 'iso'] }],
  silentLogger(),
);
const holder = {
  id: 'secret-db',
  disks: [{ image: 'local:data.img' }],
  cdroms: [],
} as unknown as VmDefinition;
const usage = new FileUsage(locations, () => [holder], new VmRegistry());
const images = new Images(locations, new StorageFiles(locations, usage), usage);
const claim = { path: join(dir, 'data.img'), as: 'disk' as const, vm: 'web-1', ref: 'local:data.img' };
const scoped: Principal = {
  user: { name: 'ops', role: 'operator' },
  vms: ['web-*'],
  via: 'token',
  sessionKey: null,
};

describe('claimImage', () => {
  it('names the holder to a caller who sees it', async () => {
    await expect(claimImage(images, NOBODY, claim)).rejects.toMatchObject({
      class: 'InUse',
      desc: 'image: local:data.img is in use by VM "secret-db"',
    });
  });

  it('says "another VM" to a caller scoped away from it', async () => {
    await expect(claimImage(images, scoped, claim)).rejects.toMatchObject({
      class: 'InUse',
      desc: 'image: local:data.img is in use by another VM',
    });
  });

  it('lets the holder itself use it', async () => {
    await expect(claimImage(images, scoped, { ...claim, vm: 'secret-db' })).resolves.toBeUndefined();
  });
});
