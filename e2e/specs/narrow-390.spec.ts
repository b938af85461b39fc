/**
 * At 390 x 844 (a common phone), measured: the overview's header, buttons and
 * filters take at most a quarter of the screen, and the VM page's header,
 * actions, tabs and timeline toolbar at most 40 % (so a guest line or a
 * message, one line each, still leaves the timeline more than half); no
 * event-kind chip is cut at the edge.
 */
import { expect, managedVm, test } from '../fixtures/test.ts';
import { openVm, statusBadge } from '../helpers/vm-page.ts';

const WIDTH = 390;
const HEIGHT = 844;

test.use({
  // A function: Playwright would read a two-element array as [value, options].
  // biome-ignore lint/correctness/noEmptyPattern: Playwright fixtures take their dependencies by destructuring
  vms: async ({}, use) => use([managedVm('alpha', 'Alpha'), managedVm('beta', 'Beta')]),
  viewport: { width: WIDTH, height: HEIGHT },
});

test('the overview and the VM page keep their controls in the top half at 390 px', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('vm-status').first()).toHaveText('prelaunch');
  const list = await page.getByRole('list', { name: 'VM list' }).boundingBox();
  expect(list?.y ?? HEIGHT).toBeLessThan(HEIGHT * 0.25);
  // Each row is whole on screen: nothing needs a sideways scroll.
  for (const box of await page
    .getByTestId('vm-row')
    .evaluateAll((rows) => rows.map((r) => r.getBoundingClientRect().right))) {
    expect(box).toBeLessThanOrEqual(WIDTH);
  }

  await openVm(page, 'Alpha');
  await page.getByRole('button', { name: 'Resume', exact: true }).click();
  await expect(statusBadge(page)).toHaveText('running');
  const timeline = await page.getByTestId('timeline-scroll').boundingBox();
  expect(timeline?.y ?? HEIGHT).toBeLessThan(HEIGHT * 0.4);
  await expect(page.getByTestId('timeline-event').first()).toBeInViewport();
});

test('the event-kind chips wrap on a narrow screen instead of being cut', async ({ page }) => {
  await openVm(page, 'Alpha');
  await page.getByRole('button', { name: 'Filters' }).click();
  const kinds = page.getByTestId('event-kinds');
  await expect(kinds.getByRole('button', { name: 'Run state' })).toBeVisible();
  const boxes = await kinds.getByRole('button').evaluateAll((chips) =>
    chips.map((chip) => {
      const box = chip.getBoundingClientRect();
      const container = (chip.parentElement as HTMLElement).getBoundingClientRect();
      return {
        left: box.left,
        right: box.right,
        inside: box.left >= container.left && box.right <= container.right,
      };
    }),
  );
  expect(boxes).toHaveLength(8);
  for (const box of boxes) {
    expect(box.left).toBeGreaterThanOrEqual(0);
    expect(box.right).toBeLessThanOrEqual(WIDTH);
    expect(box.inside).toBe(true);
  }
  // Still usable: hiding a kind hides its events.
  await kinds.getByRole('button', { name: 'Bridge' }).click();
  await expect(page.getByTestId('timeline').getByText('BRIDGE_CONNECTED', { exact: true })).toHaveCount(0);
});
