/** At 360 px wide (a small phone) every page fits without sideways scrolling and stays usable. */
import { expect, managedVm, test } from '../fixtures/test.ts';
import { openTab, openVm, statusBadge } from '../helpers/vm-page.ts';

test.use({
  vms: [managedVm('alpha', 'Alpha with a rather long name for a small screen')],
  viewport: { width: 360, height: 740 },
});

const overflow = (page: import('@playwright/test').Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

test('overview and VM page fit 360 px and still work', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('vm-status')).toHaveText('prelaunch');
  expect(await overflow(page)).toBeLessThanOrEqual(0);

  await openVm(page, 'Alpha with a rather long name for a small screen');
  expect(await overflow(page)).toBeLessThanOrEqual(0);
  const resume = page.getByRole('button', { name: 'Resume', exact: true });
  await expect(resume).toBeInViewport();
  await resume.click();
  await expect(statusBadge(page)).toHaveText('running');
  await expect(page.getByTestId('timeline').getByText('RESUME', { exact: true })).toBeInViewport();
  expect(await overflow(page)).toBeLessThanOrEqual(0);

  for (const tab of ['Info', 'Commands', 'Console'] as const) {
    await openTab(page, tab);
    expect(await overflow(page)).toBeLessThanOrEqual(0);
  }
});
