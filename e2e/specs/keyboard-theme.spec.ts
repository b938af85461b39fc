/** The dashboard works from the keyboard alone, and the theme follows the system until the person picks one. */
import { expect, managedVm, test } from '../fixtures/test.ts';
import { statusBadge } from '../helpers/vm-page.ts';

test.use({ vms: [managedVm('alpha', 'Alpha')] });

async function tabTo(page: import('@playwright/test').Page, name: string): Promise<void> {
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
    if (focused === name) return;
  }
  throw new Error(`${name} was not reached with Tab`);
}

test('open a VM, resume it and confirm a reset with the keyboard only', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('vm-status')).toHaveText('prelaunch');
  await tabTo(page, 'Alpha');
  await page.keyboard.press('Enter');
  await expect(page).toHaveTitle('Alpha (timeline) · QMP Deck');

  await tabTo(page, 'Resume');
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement as Element).outlineStyle);
  expect(outline).toBe('solid');
  await page.keyboard.press('Enter');
  await expect(statusBadge(page)).toHaveText('running');

  await tabTo(page, 'Reset');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('dialog', { name: 'Reset this VM?' })).toBeVisible();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('timeline').getByText('RESET', { exact: true }).first()).toBeVisible();
});

test('dark follows the system; the toggle overrides it and is remembered', async ({ browser, bridge }) => {
  const context = await browser.newContext({ colorScheme: 'dark', baseURL: bridge.url });
  const page = await context.newPage();
  await page.goto('/');
  await expect(page.locator('html')).toHaveClass(/dark/);
  // One click changes what is seen: under a dark system the first choice is light.
  await page.getByRole('button', { name: 'Theme: system' }).click();
  await expect(page.getByRole('button', { name: 'Theme: light' })).toBeVisible();
  await expect(page.locator('html')).not.toHaveClass(/dark/);
  await page.reload();
  await expect(page.locator('html')).not.toHaveClass(/dark/);
  await expect(page.getByRole('button', { name: 'Theme: light' })).toBeVisible();
  await context.close();
});
