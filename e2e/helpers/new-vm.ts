/** The steps a person takes to make a VM: the overview's New VM, the form's fields, Create. */
import { expect, type Page } from '@playwright/test';

export async function openNewVm(page: Page): Promise<void> {
  await page.goto('/');
  await page.getByRole('link', { name: 'New VM' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'New VM' })).toBeVisible();
}

/** The installer ISO picker, by the file's name (options read "name (size)"). */
export async function chooseIso(page: Page, fileName: string): Promise<void> {
  const picker = page.getByLabel('Installer ISO');
  const option = picker.locator('option', { hasText: fileName });
  await expect(option).toHaveCount(1);
  await picker.selectOption((await option.getAttribute('value')) ?? '');
}
