/**
 * Deleting stored files from the storage page, against the real bridge: a disk image a VM's definition names
 * shows who uses it and cannot be deleted (the button says why; the bridge answers 409 InUse to a script that
 * tries anyway); a free file is deleted after a confirmation that names it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '../fixtures/test.ts';
import { createVm, diskFiles } from '../helpers/bridge-api.ts';
import { localStorage, makeRandomFile } from '../helpers/storage.ts';

test.use({
  vms: [],
  bridgeConfig: async ({ workDir }, use) => {
    const storage = localStorage(workDir.path);
    makeRandomFile(join(storage.path, 'old.iso'), 1024 * 1024);
    await use({ storage: [storage] });
  },
});

test('a file in use cannot be deleted and says by whom; a free one is deleted once confirmed', async ({
  page,
  bridge,
  workDir,
}) => {
  await createVm(bridge.url, {
    id: 'web',
    name: 'Web',
    disks: [{ size: '64M' }],
    cdroms: [],
    display: 'none',
  });
  const [disk] = await diskFiles(bridge.url, 'web');
  if (!disk) throw new Error('the VM has no disk image');

  await page.goto('/storage');
  const location = page.getByRole('region', { name: 'local' });
  const diskRow = location.getByTestId('storage-file').filter({ hasText: disk });
  await expect(diskRow.getByRole('link', { name: 'web' })).toBeVisible();
  const deleteDisk = diskRow.getByRole('button', { name: `Delete ${disk}` });
  await expect(deleteDisk).toHaveAttribute('aria-disabled', 'true');
  await expect(deleteDisk).toHaveAttribute('title', /In use by web/);
  await deleteDisk.click({ force: true });
  await expect(page.getByRole('dialog')).toHaveCount(0);
  // A script trying anyway: the bridge refuses, and the file stays.
  const answer = await page.evaluate(async (name) => {
    const response = await fetch(`/api/storage/local/files/${encodeURIComponent(name)}`, {
      method: 'DELETE',
    });
    return { status: response.status, body: (await response.json()) as { error: { class: string } } };
  }, disk);
  expect(answer).toMatchObject({ status: 409, body: { error: { class: 'InUse' } } });
  expect(existsSync(join(workDir.path, 'images', disk))).toBe(true);

  const isoRow = location.getByTestId('storage-file').filter({ hasText: 'old.iso' });
  await isoRow.getByRole('button', { name: 'Delete old.iso' }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete old.iso?' });
  await expect(confirm).toContainText('local:old.iso');
  await confirm.getByRole('button', { name: 'Delete file' }).click();
  await expect(isoRow).toHaveCount(0);
  expect(existsSync(join(workDir.path, 'images', 'old.iso'))).toBe(false);
});
