/**
 * Clone and Delete of a VM the bridge defined, as a person does them on its page: Clone follows the disk copy
 * to the clone; Delete names every disk image it would remove, keeps them unless told otherwise, and asks for
 * the id typed out before removing them. The files appear and disappear as the dialogs said.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '../fixtures/test.ts';
import { createVm, diskFiles } from '../helpers/bridge-api.ts';
import { localStorage } from '../helpers/storage.ts';
import { openVm } from '../helpers/vm-page.ts';

test.use({
  vms: [],
  bridgeConfig: async ({ workDir }, use) => {
    await use({ storage: [localStorage(workDir.path)] });
  },
});

test('clone copies the disks; delete removes them only when asked, after the id is typed', async ({
  page,
  bridge,
  workDir,
}) => {
  const images = join(workDir.path, 'images');
  await createVm(bridge.url, {
    id: 'src',
    name: 'Source',
    disks: [{ size: '64M' }],
    cdroms: [],
    display: 'none',
  });
  const [sourceDisk] = await diskFiles(bridge.url, 'src');
  expect(sourceDisk).toBeDefined();
  expect(existsSync(join(images, sourceDisk ?? ''))).toBe(true);

  await openVm(page, 'Source');
  await page.getByRole('button', { name: 'Clone…' }).click();
  const cloneDialog = page.getByRole('dialog', { name: 'Clone Source' });
  await expect(cloneDialog.getByLabel('New ID')).toHaveValue('src-clone');
  await cloneDialog.getByRole('button', { name: 'Clone', exact: true }).click();
  await expect(cloneDialog.getByTestId('job-progress')).toBeVisible();
  await cloneDialog.getByRole('link', { name: 'Open Source (clone)' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Source (clone)' })).toBeVisible();
  const [cloneDisk] = await diskFiles(bridge.url, 'src-clone');
  expect(cloneDisk).toBeDefined();
  expect(cloneDisk).not.toBe(sourceDisk);
  expect(existsSync(join(images, cloneDisk ?? ''))).toBe(true);

  // Delete the clone with its disks: the dialog names the disk, and wants the id typed.
  await page.getByRole('button', { name: 'Delete…' }).click();
  const deleteClone = page.getByRole('dialog', { name: 'Delete Source (clone)?' });
  await expect(deleteClone.getByTestId('delete-disks')).toHaveText(`local:${cloneDisk}`);
  await expect(deleteClone.getByLabel('Keep the disk images in storage')).toBeChecked();
  await deleteClone.getByLabel('Delete the disk images too').check();
  await expect(deleteClone).toContainText('These disk images will be deleted (1):');
  const confirm = deleteClone.getByRole('button', { name: 'Delete VM and disks' });
  await expect(confirm).toBeDisabled();
  await deleteClone.getByLabel('Type src-clone to delete it and its disks').fill('src-clon');
  await expect(confirm).toBeDisabled();
  await deleteClone.getByLabel('Type src-clone to delete it and its disks').fill('src-clone');
  await confirm.click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('link', { name: 'Source (clone)' })).toHaveCount(0);
  await expect.poll(() => existsSync(join(images, cloneDisk ?? ''))).toBe(false);

  // Delete the source keeping its disk (the default): the file stays.
  await openVm(page, 'Source');
  await page.getByRole('button', { name: 'Delete…' }).click();
  const deleteSource = page.getByRole('dialog', { name: 'Delete Source?' });
  await expect(deleteSource.getByTestId('delete-disks')).toHaveText(`local:${sourceDisk}`);
  await expect(deleteSource).toContainText('Its disk images stay in storage (1):');
  await deleteSource.getByRole('button', { name: 'Delete VM', exact: true }).click();
  await expect(page).toHaveURL(/\/$/);
  expect((await fetch(`${bridge.url}/api/vms/src`)).status).toBe(404);
  expect(existsSync(join(images, sourceDisk ?? ''))).toBe(true);
});
