/**
 * An operator under the default policy, where only admins make, change, copy and delete VMs and write storage:
 * every such control is offered disabled with the reason (on hover and for screen readers), while what an
 * operator may do on a defined VM (Start, the live balloon and cable controls) stays offered. The bridge
 * decides: one forced past the page is refused with 403.
 */
import { expect, test } from '../fixtures/test.ts';
import { apiRequest, apiSignIn, signIn } from '../helpers/session.ts';
import { localStorage } from '../helpers/storage.ts';
import { configUser, type SpecUser } from '../helpers/users.ts';
import { openVm } from '../helpers/vm-page.ts';

const ola: SpecUser = { name: 'ola', role: 'operator', password: 'ola-runs-the-day' };
const ada: SpecUser = { name: 'ada', role: 'admin', password: 'ada-runs-it-all' };

test.use({
  vms: [],
  bridgeConfig: async ({ workDir }, use) => {
    await use({
      users: [configUser(ola), configUser(ada)],
      storage: [localStorage(workDir.path)],
      accelerators: ['tcg'],
    });
  },
});

test('an operator sees New VM, uploads, Clone, Delete and Save refused with the reason', async ({
  page,
  bridge,
}) => {
  const admin = await apiSignIn(bridge.url, ada);
  const created = await apiRequest(bridge.url, admin, '/api/vms', {
    method: 'POST',
    body: { id: 'web', name: 'Web', disks: [{ size: '64M' }], cdroms: [], display: 'none' },
  });
  expect(created.status).toBe(201);

  await signIn(page, ola);
  const newVm = page.getByRole('button', { name: 'New VM' });
  await expect(newVm).toHaveAttribute('aria-disabled', 'true');
  await expect(newVm).toHaveAttribute('title', 'Your role (operator) may not create VMs');

  await page.getByRole('link', { name: 'Storage' }).click();
  const location = page.getByRole('region', { name: 'local' });
  await expect(location.getByRole('button', { name: 'Upload…' })).toHaveAttribute(
    'title',
    'Your role (operator) may not upload files to storage',
  );
  await expect(location.getByRole('button', { name: 'Download from URL…' })).toHaveAttribute(
    'title',
    'Your role (operator) may not download files into storage',
  );

  await openVm(page, 'Web');
  await expect(page.getByRole('button', { name: 'Clone…' })).toHaveAttribute(
    'title',
    'Your role (operator) may not clone VMs',
  );
  await expect(page.getByRole('button', { name: 'Delete…' })).toHaveAttribute(
    'title',
    'Your role (operator) may not delete VMs',
  );
  await page.getByRole('tab', { name: 'Settings' }).click();
  await page.getByLabel('Memory (MiB)').fill('256');
  const save = page.getByRole('button', { name: 'Save' });
  await expect(save).toHaveAttribute('title', 'Your role (operator) may not change VM settings');
  await save.click({ force: true });
  await expect(page.getByRole('status').filter({ hasText: 'Saved' })).toHaveCount(0);

  // What an operator may do stays offered: Start, then the live controls of a running VM.
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  const setTarget = page.getByRole('button', { name: 'Set target' });
  await expect(setTarget).toBeVisible({ timeout: 30_000 });
  await expect(setTarget).not.toHaveAttribute('aria-disabled');

  // Forced past the page, the bridge refuses, and the definition is as it was.
  const operator = await apiSignIn(bridge.url, ola);
  const forced = await apiRequest(bridge.url, operator, '/api/vms/web', { method: 'DELETE' });
  expect(forced.status).toBe(403);
  const definition = await apiRequest(bridge.url, admin, '/api/vms/web/definition');
  expect((definition.body as { memoryMiB: number }).memoryMiB).toBe(512);
});
