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

  for (const tab of ['Info', 'Commands', 'Console', 'QMP'] as const) {
    await openTab(page, tab);
    expect(await overflow(page)).toBeLessThanOrEqual(0);
  }
});

test('timeline rows at 360 px keep their time in view and their meaning whole', async ({ page }) => {
  await openVm(page, 'Alpha with a rather long name for a small screen');
  await page.getByRole('button', { name: 'Resume', exact: true }).click();
  await expect(statusBadge(page)).toHaveText('running');
  const rows = page.getByTestId('timeline-event');
  await expect(rows.filter({ hasText: 'BRIDGE_PROCESS_STARTED' })).toHaveCount(1);
  await expect(rows.filter({ hasText: 'RESUME' })).toHaveCount(1);
  const width = page.viewportSize()?.width ?? 360;
  for (const row of await rows.all()) {
    const time = await row.locator('time').boundingBox();
    expect(time && time.x + time.width).toBeLessThanOrEqual(width);
    // Wrapped, not cut to "the gu…": the whole meaning is laid out.
    const meaning = row.getByTestId('event-meaning');
    const cut = await meaning.evaluate((element) => element.scrollWidth > element.clientWidth);
    expect(cut).toBe(false);
  }
  await expect(rows.filter({ hasText: 'BRIDGE_PROCESS_STARTED' })).toContainText(
    /the bridge started QEMU \(pid \d+\)/,
  );
});
