/**
 * The VM page's actions: what the state allows is enabled, actions that can
 * lose guest state ask first in an accessible dialog, and every outcome is said.
 */
import { join } from 'node:path';
import { seabiosBeganPost, seabiosLogArgs } from '@qmpdeck/qmp/testing';
import { expect, managedVm, test } from '../fixtures/test.ts';
import { openVm, statusBadge, timelineEvent } from '../helpers/vm-page.ts';

// The firmware's log says when a reset will get SeaBIOS's own RESET too (seabios-log.ts).
const firmwareLog = (dir: string) => join(dir, 'seabios.log');
test.use({
  vms: async ({ workDir }, use) =>
    use([managedVm('alpha', 'Alpha', seabiosLogArgs(firmwareLog(workDir.path)))]),
});

test('buttons follow the run state', async ({ page }) => {
  await openVm(page, 'Alpha');
  await expect(statusBadge(page)).toHaveText('prelaunch');
  await expect(page.getByRole('button', { name: 'Resume', exact: true })).toBeEnabled();
  await expect(page.getByRole('button', { name: 'Pause', exact: true })).toBeDisabled();
  await expect(page.getByRole('button', { name: 'Power down', exact: true })).toBeDisabled();
  await page.getByRole('button', { name: 'Resume', exact: true }).click();
  await expect(statusBadge(page)).toHaveText('running');
  await expect(page.getByRole('button', { name: 'Pause', exact: true })).toBeEnabled();
  await expect(page.getByRole('button', { name: 'Resume', exact: true })).toBeDisabled();
  await expect(page.getByRole('button', { name: 'Power down', exact: true })).toBeEnabled();
  await expect(page.getByTestId('action-result')).toHaveText('Resume: done (cont)');
  // Its first boot, not "running again": it had never run.
  await expect(
    page.getByTestId('timeline').getByText('the VM started running: its first boot (from prelaunch)'),
  ).toBeVisible();
  await expect(page.getByTestId('timeline').getByText('the VM is running again')).toHaveCount(0);
});

test('Reset asks first: Cancel sends nothing, confirming resets and says so', async ({ page, workDir }) => {
  await openVm(page, 'Alpha');
  await page.getByRole('button', { name: 'Resume', exact: true }).click();
  await expect(statusBadge(page)).toHaveText('running');
  await expect.poll(() => seabiosBeganPost(firmwareLog(workDir.path))).toBe(true);

  await page.getByRole('button', { name: 'Reset', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Reset this VM?' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();

  await page.getByRole('button', { name: 'Reset', exact: true }).click();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(timelineEvent(page, 'RESET')).toHaveCount(0);

  await page.getByRole('button', { name: 'Reset', exact: true }).click();
  await dialog.getByRole('button', { name: 'Reset now' }).click();
  await expect(timelineEvent(page, 'RESET').first()).toBeVisible();
  await expect(page.getByTestId('action-result')).toHaveText('Reset: done (system_reset)');
  // The first RESET names the button; QEMU's second, from the firmware (`guest: true`), is the guest's own.
  await expect(
    page.getByTestId('timeline').getByText('after `system_reset` from the Reset button'),
  ).toHaveCount(1);
  const guestResets = page.getByTestId('timeline-event').filter({ hasText: 'the guest reset itself' });
  await expect(guestResets.first()).toBeVisible();
  await expect(guestResets.filter({ hasText: 'system_reset' })).toHaveCount(0);
});

test('Kill and Start a managed VM; Quit ends QEMU after confirmation', async ({ page }) => {
  await openVm(page, 'Alpha');
  await page.getByRole('button', { name: 'Kill', exact: true }).click();
  await page.getByRole('dialog', { name: 'Kill QEMU?' }).getByRole('button', { name: 'Kill QEMU' }).click();
  // Shut off, not unreachable: the bridge knows QEMU is not running.
  await expect(statusBadge(page)).toHaveText('stopped');
  await expect(page.getByRole('button', { name: 'Start', exact: true })).toBeEnabled();
  await expect(page.getByRole('button', { name: 'Resume', exact: true })).toBeDisabled();

  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(statusBadge(page)).toHaveText('prelaunch');

  await page.getByRole('button', { name: 'Quit', exact: true }).click();
  await page.getByRole('dialog', { name: 'Quit QEMU?' }).getByRole('button', { name: 'Quit QEMU' }).click();
  await expect(timelineEvent(page, 'SHUTDOWN').first()).toBeVisible();
  await expect(statusBadge(page)).toHaveText('stopped');
  await expect(
    page.getByTestId('timeline').getByText('the VM was shut down by a quit command (reason: host-qmp-quit)'),
  ).toBeVisible();
});
