/**
 * The timeline: live events with their meaning and cause, filters, details,
 * export, and no gap when the bridge restarts in the middle of a session.
 */
import { readFileSync } from 'node:fs';
import { type RunningQemu, startQemu } from '../fixtures/qemu.ts';
import { expect, test } from '../fixtures/test.ts';
import { execute, storedSeqs } from '../helpers/bridge-api.ts';
import { openVm, statusBadge, timelineEvent, timelineSeqs } from '../helpers/vm-page.ts';

// QEMU started by the test, not the bridge, so it outlives a bridge restart.
test.use({
  vms: async ({ workDir }, use) => {
    const qemu: RunningQemu = await startQemu(workDir.path, 'alpha', ['-drive', 'if=ide,media=cdrom,id=cd0']);
    await use([{ id: 'alpha', name: 'Alpha', qmp: { socket: qemu.socket } }]);
    await qemu.kill();
  },
});

test('events read as words, filter by name and text, expand to JSON, export as JSON lines', async ({
  page,
  bridge,
}) => {
  await openVm(page, 'Alpha');
  await page.getByRole('button', { name: 'Resume', exact: true }).click();
  await expect(statusBadge(page)).toHaveText('running');
  await execute(bridge.url, 'alpha', 'eject', { device: 'cd0' });
  const timeline = page.getByTestId('timeline');
  await expect(timeline.getByText('tray opened on cd0')).toBeVisible();
  // The bridge found this QEMU already there, so the page cannot tell a first boot from a resume: it says neither.
  await expect(timeline.getByText('the VM started running', { exact: true })).toBeVisible();
  await expect(timeline.getByText('the VM is running again')).toHaveCount(0);
  await expect(timeline.getByText('after `cont` from the Resume button', { exact: false })).toBeVisible();

  await page.getByLabel('Event name').fill('tray');
  await expect(page.getByTestId('timeline-event')).toHaveCount(1);
  await page.getByLabel('Event name').fill('');
  await page.getByLabel('Search data').fill('cd0');
  await expect(page.getByTestId('timeline-event')).toHaveCount(1);
  await page.getByLabel('Search data').fill('');
  await page.getByRole('button', { name: 'Run state' }).click();
  await expect(timelineEvent(page, 'RESUME')).toHaveCount(0);
  await page.getByRole('button', { name: 'Run state' }).click();
  await expect(timelineEvent(page, 'RESUME')).toHaveCount(1);

  await timelineEvent(page, 'DEVICE_TRAY_MOVED').click();
  await expect(timeline.locator('pre')).toContainText('"tray-open": true');

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export JSON lines' }).click();
  const file = await (await download).path();
  const lines = readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
  expect(lines.map((event) => event.seq)).toEqual(await storedSeqs(bridge.url, 'alpha'));
});

test('a bridge restart mid-session leaves no gap in the timeline', async ({ page, bridge }) => {
  await openVm(page, 'Alpha');
  await page.getByRole('button', { name: 'Resume', exact: true }).click();
  await expect(timelineEvent(page, 'RESUME')).toBeVisible();

  await bridge.stop();
  await expect(page.getByTestId('connection-banner')).toBeVisible();
  // The last run state is no longer vouched for, and nothing can be sent until the bridge is back.
  await expect(statusBadge(page)).toHaveText('disconnected');
  await expect(page.getByRole('button', { name: 'Pause', exact: true })).toBeDisabled();
  await expect(page.getByRole('button', { name: 'Reset', exact: true })).toBeDisabled();
  await bridge.restart();
  // Happens while the page may still be away: it must arrive by replay (`after`) or live, either way once.
  await expect.poll(async () => (await execute(bridge.url, 'alpha', 'stop')).status).toBe(200);
  await expect(page.getByTestId('connection-banner')).toBeHidden({ timeout: 20_000 });
  await expect(timelineEvent(page, 'STOP')).toBeVisible();
  await expect(statusBadge(page)).toHaveText('paused');

  await page.getByRole('button', { name: 'Resume', exact: true }).click();
  await expect(timelineEvent(page, 'RESUME')).toHaveCount(2);
  const stored = await storedSeqs(bridge.url, 'alpha');
  await expect.poll(() => timelineSeqs(page)).toEqual(stored);
  expect(stored).toEqual(stored.map((_, index) => index + 1));
});

test('older history loads on scrolling up, and new events wait behind "N new events"', async ({
  page,
  bridge,
}) => {
  // 300 real events, more than the 200 the timeline loads first.
  for (let i = 0; i < 150; i++) {
    await execute(bridge.url, 'alpha', 'cont');
    await execute(bridge.url, 'alpha', 'stop');
  }
  const stored = await storedSeqs(bridge.url, 'alpha');
  await openVm(page, 'Alpha');
  const scroller = page.getByTestId('timeline-scroll');
  // Only the newest 200 are loaded: the count says so rather than passing them off as all of them.
  await expect(page.getByTestId('timeline')).toContainText('latest 200 events');
  await expect(page.getByText('Start of history.')).toHaveCount(0);

  await scroller.evaluate((element) => {
    element.scrollTop = 0;
  });
  await expect(page.getByTestId('timeline')).toContainText(`${stored.length} events`);
  await expect(page.getByText('Start of history.')).toBeVisible();
  // The view stayed on the rows the person was reading; the older ones are above.
  await expect(page.getByText(new RegExp(`^#${stored.length - 199}\\b`))).toBeInViewport();
  await scroller.evaluate((element) => {
    element.scrollTop = 0;
  });
  await expect(page.getByText('#1', { exact: true })).toBeVisible();

  await execute(bridge.url, 'alpha', 'cont');
  await execute(bridge.url, 'alpha', 'stop');
  const jump = page.getByRole('button', { name: '2 new events' });
  await expect(jump).toBeVisible();
  await jump.click();
  await expect(jump).toBeHidden();
  await expect(page.getByText(new RegExp(`^#${stored.length + 2}\\b`))).toBeInViewport();

  // Export means every stored event that passes the filter, loaded or not: a fresh page has only the latest 200.
  await page.reload();
  await expect(page.getByTestId('timeline')).toContainText('latest 200 events');
  await page.getByLabel('Event name').fill('RESUME');
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export JSON lines' }).click();
  const exported = readFileSync(await (await download).path(), 'utf8')
    .trim()
    .split('\n');
  expect(exported.map((line) => JSON.parse(line).event)).toEqual(Array(151).fill('RESUME'));
  await expect(page.getByTestId('timeline')).toContainText(`151 of ${stored.length + 2} events`);
});
