/**
 * The Usage tab's charts draw from the bridge's history and grow with each live sample; the overview shows each
 * VM's CPU sparkline and memory. The bridge samples every second here.
 */
import { expect, managedVm, test } from '../fixtures/test.ts';
import { openTab, openVm } from '../helpers/vm-page.ts';

test.use({
  vms: [
    managedVm('alpha', 'Alpha', [
      '-blockdev',
      'driver=null-co,node-name=n0,size=1048576',
      '-device',
      'virtio-blk-pci,drive=n0,id=vd0',
    ]),
  ],
  bridgeConfig: { metrics: { intervalSeconds: 1 } },
});

const points = async (chart: import('@playwright/test').Locator) =>
  Number(await chart.getAttribute('data-points'));

test('the charts draw and grow with live samples, in light and dark', async ({ page }) => {
  await openVm(page, 'Alpha');
  await openTab(page, 'Usage');
  await expect(page).toHaveURL(/\/vms\/alpha\/usage$/);
  const cpu = page.getByTestId('usage-chart-cpu');
  const memory = page.getByTestId('usage-chart-memory');
  await expect(cpu.locator('canvas')).toBeVisible();
  await expect(memory.locator('canvas')).toBeVisible();
  await expect(page.getByTestId('usage-chart-disk').locator('canvas')).toBeVisible();
  await expect(cpu).toContainText('QEMU process');
  await expect(page.getByTestId('usage-now')).toContainText(/Now: CPU [\d.]+ % · memory \d+ MiB/);

  // Live: points arrive by usage messages, without asking the bridge again.
  const before = await points(memory);
  await expect.poll(() => points(memory), { timeout: 15_000 }).toBeGreaterThan(before + 1);

  // Hovering a chart shows the values in its unit.
  await cpu.locator('.u-over').hover({ position: { x: 300, y: 60 } });
  await expect(cpu.locator('.u-legend')).toContainText(/QEMU process[\d.]+ %/);

  await page.getByRole('button', { name: /^Theme/ }).click();
  await expect(cpu.locator('canvas')).toBeVisible();
  await expect.poll(() => points(memory), { timeout: 15_000 }).toBeGreaterThan(before + 2);

  await page.getByText('Day', { exact: true }).click();
  await expect(page.getByRole('radio', { name: 'Day' })).toBeChecked();
  await expect(page.getByText(/No samples in this range yet|CPU/).first()).toBeVisible();
});

test('each overview row shows its CPU over the last hour and its memory now', async ({ page }) => {
  await page.goto('/');
  const usage = page.getByTestId('vm-usage');
  await expect(usage).toContainText(/[\d.]+ % · \d+ MiB/);
  const sparkline = page.getByTestId('cpu-sparkline');
  await expect
    .poll(async () => Number(await sparkline.getAttribute('data-points')), { timeout: 15_000 })
    .toBeGreaterThan(2);
  await expect(sparkline.locator('path')).toHaveAttribute('d', /^M/);
});
