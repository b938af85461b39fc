/**
 * A managed VM whose QEMU is not running reads as shut off, not as a VM the
 * bridge cannot reach: "Shut off (stopped)", with Start on its overview row as
 * well as on its page. A VM the bridge cannot reach keeps `disconnected`.
 */
import { join } from 'node:path';
import { expect, managedVm, test } from '../fixtures/test.ts';
import { execute } from '../helpers/bridge-api.ts';
import { statusBadge } from '../helpers/vm-page.ts';

test.use({
  vms: async ({ workDir }, use) => {
    await use([
      managedVm('alpha', 'Alpha'),
      // Nothing listens there: the bridge cannot reach it.
      { id: 'ghost', name: 'Ghost', qmp: { socket: join(workDir.path, 'nobody.sock') } },
    ]);
  },
});

const row = (page: import('@playwright/test').Page, name: string) =>
  page.getByTestId('vm-row').filter({ has: page.getByRole('link', { name, exact: true }) });

test('a managed VM that quit reads Shut off (stopped) with Start on its row and its page', async ({
  page,
  bridge,
}) => {
  await page.goto('/');
  await expect(row(page, 'Alpha').getByTestId('vm-status')).toHaveText('prelaunch');
  await expect(row(page, 'Ghost').getByTestId('vm-status')).toHaveText('disconnected');
  await expect(row(page, 'Ghost')).toContainText('Unreachable');

  expect((await execute(bridge.url, 'alpha', 'quit')).status).toBe(200);
  const alpha = row(page, 'Alpha');
  await expect(alpha.getByTestId('vm-status')).toHaveText('stopped');
  await expect(alpha).toContainText('Shut off');
  await expect(alpha).not.toContainText('Unreachable');
  await expect(page.getByRole('list', { name: 'VMs by state' })).toContainText('1Shut off(stopped)');

  await page.getByRole('link', { name: 'Alpha', exact: true }).click();
  await expect(statusBadge(page)).toHaveText('stopped');
  await expect(page.getByRole('button', { name: 'Start', exact: true })).toBeEnabled();
  await page.goBack();

  await alpha.getByRole('button', { name: 'Start Alpha' }).click();
  await expect(alpha.getByTestId('vm-status')).toHaveText('prelaunch');
  await expect(alpha.getByRole('button', { name: 'Resume Alpha' })).toBeEnabled();
});
