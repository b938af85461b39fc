/** The steps a person takes on a VM's page, for the end-to-end specs. */
import { expect, type Page } from '@playwright/test';

export async function openVm(page: Page, name: string): Promise<void> {
  await page.goto('/');
  await page.getByRole('link', { name }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
}

export function statusBadge(page: Page) {
  return page.getByTestId('vm-status').first();
}

export function timelineEvent(page: Page, name: string) {
  return page.getByTestId('timeline').getByText(name, { exact: true });
}

/** Every `#seq` shown in the timeline, in order. */
export async function timelineSeqs(page: Page): Promise<number[]> {
  const texts = await page.getByTestId('timeline-event').allTextContents();
  return texts.map((text) => Number(/#(\d+)/.exec(text)?.[1] ?? Number.NaN));
}

export async function openTab(
  page: Page,
  tab: 'Timeline' | 'Info' | 'Commands' | 'Console' | 'Hardware' | 'Usage' | 'QMP',
): Promise<void> {
  await page.getByRole('tab', { name: tab }).click();
  await expect(page.getByRole('tab', { name: tab })).toHaveAttribute('aria-selected', 'true');
}
