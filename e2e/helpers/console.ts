/**
 * The steps a person takes in the Console tab, and what a spec reads back: the screen's pixels (from noVNC's
 * canvas, whatever the scaling), the serial terminal's text, the status line's phases over time.
 */
import { expect, type Page } from '@playwright/test';

export function screenView(page: Page) {
  return page.getByTestId('screen');
}

export function serialTerminal(page: Page) {
  return page.getByTestId('serial-terminal');
}

export function consoleStatus(page: Page) {
  return page.getByTestId('console-status');
}

export async function openConsole(
  page: Page,
  vmId: string,
  source: 'screen' | `serial/${string}` = 'screen',
) {
  await page.goto(`/vms/${encodeURIComponent(vmId)}/console/${source}`);
  await expectConnected(page, source);
}

export async function expectConnected(
  page: Page,
  source: 'screen' | `serial/${string}` = 'screen',
  timeout = 30_000,
) {
  const view = source === 'screen' ? screenView(page) : serialTerminal(page);
  await expect(view).toHaveAttribute('data-connected', 'true', { timeout });
}

export interface ScreenPixels {
  width: number;
  height: number;
  /** Pixels unlike the top-left one: 0 for a blank (one-colour) screen. */
  lit: number;
  /** FNV-1a over the pixels: equal pictures, equal hashes. */
  hash: number;
}

/** What noVNC's canvas holds now, read in the page (the framebuffer itself, not the scaled picture). */
export function screenPixels(page: Page): Promise<ScreenPixels> {
  return screenView(page)
    .locator('canvas')
    .evaluate((canvas: HTMLCanvasElement) => {
      const context = canvas.getContext('2d');
      if (!context || canvas.width === 0) return { width: 0, height: 0, lit: 0, hash: 0 };
      const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
      let lit = 0;
      let hash = 0x811c9dc5;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i] !== data[0] || data[i + 1] !== data[1] || data[i + 2] !== data[2]) lit++;
        hash = Math.imul(
          hash ^ (data[i] ?? 0) ^ ((data[i + 1] ?? 0) << 8) ^ ((data[i + 2] ?? 0) << 16),
          16777619,
        );
      }
      return { width: canvas.width, height: canvas.height, lit, hash: hash >>> 0 };
    });
}

/** Waits until the screen's picture is not `previous` (and not blank). */
export async function waitForScreenChange(
  page: Page,
  previous: ScreenPixels,
  timeout = 30_000,
): Promise<ScreenPixels> {
  let now = previous;
  await expect
    .poll(
      async () => {
        now = await screenPixels(page);
        return now.hash !== previous.hash && now.lit > 0;
      },
      { timeout },
    )
    .toBe(true);
  return now;
}

export async function typeText(page: Page, text: string, layout = 'us'): Promise<void> {
  if ((await page.getByLabel('Text to type into the guest').count()) === 0) {
    await page.getByRole('button', { name: 'Type text' }).click();
  }
  await page.getByLabel('Guest keyboard layout').selectOption(layout);
  await page.getByLabel('Text to type into the guest').fill(text);
  await page.getByRole('button', { name: 'Type', exact: true }).click();
  await expect(page.getByTestId('type-text-progress')).toContainText('Typed', { timeout: 60_000 });
}

export async function sendKeys(page: Page, label: string): Promise<void> {
  await page.getByText('Send keys').click();
  await page
    .getByRole('list', { name: 'Keys to send' })
    .getByRole('button', { name: label, exact: true })
    .click();
}

/** Types a line into the serial terminal as a person would (click it, type, Enter). */
export async function typeIntoSerial(page: Page, line: string): Promise<void> {
  await serialTerminal(page).click();
  await page.keyboard.type(line);
  await page.keyboard.press('Enter');
}

export function serialText(page: Page) {
  return serialTerminal(page).locator('.xterm-rows');
}

/** Starts recording every phase the status line shows (connecting, connected, reconnecting, ...), in order. */
export async function recordPhases(page: Page): Promise<() => Promise<string[]>> {
  await consoleStatus(page).evaluate((status) => {
    const seen: string[] = [status.getAttribute('data-phase') ?? ''];
    (window as unknown as { consolePhases: string[] }).consolePhases = seen;
    new MutationObserver(() => {
      const phase = status.getAttribute('data-phase') ?? '';
      if (seen[seen.length - 1] !== phase) seen.push(phase);
    }).observe(status, { attributes: true, attributeFilter: ['data-phase'] });
  });
  return () => page.evaluate(() => (window as unknown as { consolePhases: string[] }).consolePhases);
}
