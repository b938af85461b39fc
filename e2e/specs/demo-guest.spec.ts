/**
 * The demo guest (a real Linux under QEMU, with the guest agent): the
 * dashboard shows what the guest says about itself, and Power down, once
 * confirmed, ends with the guest shutting itself down in the timeline.
 * Needs the guest image (`node --import tsx demo/guest/build.ts`); without it
 * the test is skipped and says why.
 */
import { guestVm } from '../../demo/demo-config.ts';
import { findDemoGuest } from '../../demo/guest/cache.ts';
import { expect, test } from '../fixtures/test.ts';
import { openTab, statusBadge, timelineEvent } from '../helpers/vm-page.ts';

const guest = findDemoGuest();
test.skip(!guest, 'the demo guest image is not built (node --import tsx demo/guest/build.ts)');
test.use({ vms: guest ? [guestVm(guest)] : [] });
// A Linux boot under TCG on a busy 2-core machine: give the agent time to answer.
test.setTimeout(120_000);
const BOOT = { timeout: 60_000 };

test('the guest shows its name and address, and powers down cleanly', async ({ page }) => {
  await page.goto('/');
  const row = page.getByTestId('vm-row').filter({ hasText: 'Demo guest (Linux)' });
  await expect(row.getByTestId('vm-guest')).toContainText('qmpdeck-demo', BOOT);
  await expect(row.getByTestId('vm-guest')).toContainText('10.0.2.15', BOOT);

  await page.getByRole('link', { name: 'Demo guest (Linux)' }).click();
  await openTab(page, 'Info');
  const panel = page.getByTestId('guest-panel');
  await expect(panel).toContainText('connected');
  await expect(page.getByTestId('guest-hostname')).toHaveText('qmpdeck-demo');
  await expect(panel).toContainText('10.0.2.15/24');

  // Paused, the agent cannot answer: the guest's name and address stay, marked as last known.
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await expect(statusBadge(page)).toHaveText('paused');
  await expect(page.getByTestId('guest-stale')).toBeVisible(BOOT);
  await expect(page.getByTestId('guest-hostname')).toHaveText('qmpdeck-demo');
  await expect(panel).toContainText('10.0.2.15/24');
  await page.getByRole('button', { name: 'Resume', exact: true }).click();
  await expect(page.getByTestId('guest-stale')).toHaveCount(0, BOOT);

  await openTab(page, 'Timeline');
  await expect(statusBadge(page)).toHaveText('running');
  await page.getByRole('button', { name: 'Power down', exact: true }).click();
  await page
    .getByRole('dialog', { name: 'Power down this VM?' })
    .getByRole('button', { name: 'Power down now' })
    .click();
  await expect(timelineEvent(page, 'POWERDOWN')).toBeVisible();
  await expect(
    page.getByTestId('timeline').getByText('the guest shut itself down (reason: guest-shutdown)'),
  ).toBeVisible(BOOT);
});
