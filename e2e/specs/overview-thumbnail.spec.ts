/**
 * The overview's live screen thumbnails: one for a running VM with a display, refreshed while the page is open,
 * changing when the guest's screen does; none for a VM without a display; a click opens the Console tab.
 */
import { guestVm } from '../../demo/demo-config.ts';
import { findDemoGuest } from '../../demo/guest/cache.ts';
import { expect, managedVm, test } from '../fixtures/test.ts';
import { execute } from '../helpers/bridge-api.ts';
import { screenView } from '../helpers/console.ts';

const guest = findDemoGuest();
test.skip(!guest, 'the demo guest image is not built (node --import tsx demo/guest/build.ts)');
// A list of two VMs is given by a function: Playwright reads `[value, object]` in test.use as a fixture tuple.
test.use({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright fixtures take their dependencies by destructuring
  vms: async ({}, use) => {
    await use(guest ? [guestVm(guest), managedVm('plain', 'Plain (no display)')] : []);
  },
});
test.setTimeout(180_000);

const row = (page: import('@playwright/test').Page, name: string) =>
  page.getByTestId('vm-row').filter({ has: page.getByRole('link', { name, exact: true }) });

test("a running VM's thumbnail follows its screen; none without a display; a click opens the console", async ({
  page,
  bridge,
}) => {
  await page.goto('/');
  const thumbnail = row(page, 'Demo guest (Linux)').getByRole('link', { name: 'Screen' }).locator('img');
  await expect(thumbnail).toBeVisible({ timeout: 30_000 });
  await expect(row(page, 'Plain (no display)').getByTestId('vm-thumbnail')).toHaveCount(0);

  // Whatever the guest is doing now (booting or at its prompt), the next picture differs once keys are typed.
  const first = await thumbnail.getAttribute('data-etag');
  expect(first).toBeTruthy();
  await expect
    .poll(
      async () => {
        await execute(bridge.url, 'demo-guest', 'send-key', { keys: [{ type: 'qcode', data: 'x' }] });
        return thumbnail.getAttribute('data-etag');
      },
      { timeout: 90_000, intervals: [5_000] },
    )
    .not.toBe(first);

  await row(page, 'Demo guest (Linux)').getByTestId('vm-thumbnail').click();
  await expect(page).toHaveURL(/\/vms\/demo-guest\/console\/screen$/);
  await expect(screenView(page)).toHaveAttribute('data-connected', 'true', { timeout: 30_000 });
});
