/**
 * The overview: every VM with its live state, counts by state, a name filter,
 * quick Pause/Resume, and bulk actions that report each VM's own outcome.
 */
import { join } from 'node:path';
import { expect, managedVm, test } from '../fixtures/test.ts';
import { execute } from '../helpers/bridge-api.ts';

test.use({
  vms: async ({ workDir }, use) => {
    await use([
      managedVm('alpha', 'Alpha', ['-drive', 'if=ide,media=cdrom,id=cd0']),
      managedVm('beta', 'Beta'),
      // Nothing listens there: the VM stays disconnected, so a bulk action fails for it alone.
      { id: 'ghost', name: 'Ghost', qmp: { socket: join(workDir.path, 'nobody.sock') } },
    ]);
  },
});

const row = (page: import('@playwright/test').Page, name: string) =>
  page.getByTestId('vm-row').filter({ has: page.getByRole('link', { name, exact: true }) });

test('shows each VM live, counts them by state, filters by name', async ({ page, bridge }) => {
  await page.goto('/');
  await expect(page).toHaveTitle('Virtual machines · QMP Deck');
  await expect(row(page, 'Alpha').getByTestId('vm-status')).toHaveText('prelaunch');
  await expect(row(page, 'Ghost').getByTestId('vm-status')).toHaveText('disconnected');
  await expect(row(page, 'Alpha')).toContainText('QEMU 7.2');
  const counts = page.getByRole('list', { name: 'VMs by state' });
  // Plain words first, QEMU's (or the bridge's) term beside them.
  await expect(counts).toContainText('2Not started(prelaunch)');
  await expect(counts).toContainText('1Unreachable(disconnected)');

  await row(page, 'Alpha').getByRole('button', { name: 'Resume Alpha' }).click();
  await expect(row(page, 'Alpha').getByTestId('vm-status')).toHaveText('running');
  // The latest event as a phrase, QEMU's name beside it; the overview subscribes to no VM's events for it.
  await expect(row(page, 'Alpha').getByTestId('vm-latest-event')).toContainText('Started running (RESUME)');
  await expect(row(page, 'Alpha').getByRole('button', { name: 'Pause Alpha' })).toBeEnabled();

  // An event that changes no state still shows as the latest (the bridge pushes the VM for it, throttled).
  await execute(bridge.url, 'alpha', 'eject', { device: 'cd0' });
  await expect(row(page, 'Alpha').getByTestId('vm-latest-event')).toContainText(
    'Tray opened or closed (DEVICE_TRAY_MOVED)',
  );

  await page.getByLabel('Filter by name').fill('bet');
  await expect(page.getByTestId('vm-row')).toHaveCount(1);
  await expect(row(page, 'Beta')).toBeVisible();
});

test('bulk Resume and Pause report each VM on its own', async ({ page }) => {
  await page.goto('/');
  await expect(row(page, 'Beta').getByTestId('vm-status')).toHaveText('prelaunch');
  await page.getByLabel('Select Alpha').check();
  await expect(page.getByText('1 selected')).toBeVisible();
  await page.getByLabel('Select all shown VMs').check();
  await expect(page.getByText('3 selected')).toBeVisible();
  for (const name of ['Alpha', 'Beta', 'Ghost'])
    await expect(page.getByLabel(`Select ${name}`)).toBeChecked();

  await page.getByRole('button', { name: 'Resume selected' }).click();
  await expect(row(page, 'Alpha').getByTestId('vm-status')).toHaveText('running');
  await expect(row(page, 'Beta').getByTestId('vm-status')).toHaveText('running');
  await expect(row(page, 'Alpha')).toContainText('done');
  await expect(row(page, 'Ghost')).toContainText('failed: VmNotConnected');

  await page.getByRole('button', { name: 'Pause selected' }).click();
  await expect(row(page, 'Alpha').getByTestId('vm-status')).toHaveText('paused');
  await expect(row(page, 'Beta').getByTestId('vm-status')).toHaveText('paused');
});

test('while the bridge is away no row claims a run state or offers an action', async ({ page, bridge }) => {
  await page.goto('/');
  await expect(row(page, 'Alpha').getByTestId('vm-status')).toHaveText('prelaunch');
  await page.getByLabel('Select Alpha').check();
  await expect(page.getByRole('button', { name: 'Resume selected' })).toBeEnabled();

  await bridge.stop();
  await expect(page.getByTestId('connection-banner')).toBeVisible();
  for (const name of ['Alpha', 'Beta']) {
    await expect(row(page, name).getByTestId('vm-status')).toHaveText('disconnected');
    await expect(row(page, name).getByRole('button', { name: `Resume ${name}` })).toBeDisabled();
  }
  await expect(page.getByRole('button', { name: 'Resume selected' })).toBeDisabled();

  // Back: fresh data from the bridge, not the stale picture from before.
  await bridge.restart();
  await expect(page.getByTestId('connection-banner')).toBeHidden({ timeout: 20_000 });
  await expect(row(page, 'Alpha').getByTestId('vm-status')).toHaveText('prelaunch');
  await expect(row(page, 'Alpha').getByRole('button', { name: 'Resume Alpha' })).toBeEnabled();
  await expect(page.getByRole('button', { name: 'Resume selected' })).toBeEnabled();
});
