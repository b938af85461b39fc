/**
 * Regenerates the dashboard screenshots in docs/screenshots/ (shown in the
 * README) from the real app: a real bridge with real QEMUs, a few real events,
 * then Debian's Chromium in light and dark. When the demo guest is built
 * (`~/.cache/qmpdeck/demo-guest/`), the overview includes a VM running it, so
 * its hostname and address show. Not part of `pnpm test`; run
 * `node --import tsx scripts/screenshots.ts` after a visible change.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from '@playwright/test';
import { guestVm } from '../demo/demo-config.ts';
import { findDemoGuest } from '../demo/guest/cache.ts';
import { repoRoot, startBridge } from '../e2e/fixtures/bridge.ts';
import { makeTempDir } from '../e2e/fixtures/temp-dir.ts';
import { managedVm } from '../e2e/fixtures/test.ts';
import { execute } from '../e2e/helpers/bridge-api.ts';

const out = join(repoRoot, 'docs/screenshots');
const viewport = { width: 1280, height: 800 };

function buildWebIfMissing(): void {
  if (existsSync(join(repoRoot, 'apps/web/dist/index.html'))) return;
  const result = spawnSync('pnpm', ['--filter', '@qmpdeck/web', 'build'], {
    cwd: repoRoot,
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error('the web build failed');
}

async function waitForVms(url: string, count: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const vms = (await (await fetch(`${url}/api/vms`)).json()) as { connection: string }[];
    if (vms.filter((vm) => vm.connection === 'connected').length >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the VMs did not connect within 20 s');
}

/** Waits until the demo guest's agent has told its hostname and address (a TCG boot on a busy box can take a while). */
async function waitForGuest(url: string, id: string): Promise<boolean> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    const vm = (await (await fetch(`${url}/api/vms/${id}`)).json()) as {
      guest?: { hostname?: string; addresses?: { family: string }[] } | null;
    };
    if (vm.guest?.hostname && vm.guest.addresses?.some((address) => address.family === 'ipv4')) return true;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return false;
}

/** A short, real history: what an operator does in a first minute. */
async function makeHistory(url: string): Promise<void> {
  await execute(url, 'web', 'cont');
  await execute(url, 'web', 'eject', { device: 'cd0' });
  await execute(url, 'web', 'stop');
  await execute(url, 'web', 'cont');
  await execute(url, 'web', 'system_reset');
  await execute(url, 'db', 'cont');
  await execute(url, 'build', 'cont');
  await execute(url, 'build', 'stop');
}

async function shoot(page: Page, name: string, scheme: string): Promise<void> {
  // Relative times ("12 s ago") and fonts settle; the pictures should not catch a half-drawn frame.
  await page.evaluate('document.fonts.ready');
  await page.screenshot({ path: join(out, `${name}-${scheme}.png`) });
  console.log(`docs/screenshots/${name}-${scheme}.png`);
}

async function capture(browser: Browser, url: string, scheme: 'light' | 'dark'): Promise<void> {
  const context = await browser.newContext({ viewport, colorScheme: scheme, baseURL: url });
  const page = await context.newPage();
  await page.goto('/');
  await page.getByTestId('vm-row').first().waitFor();
  await page.getByText('RESET').first().waitFor();
  await shoot(page, 'overview', scheme);

  await page.getByRole('link', { name: 'Web frontend' }).click();
  await page.getByTestId('timeline').getByText('DEVICE_TRAY_MOVED', { exact: true }).waitFor();
  await shoot(page, 'vm-page', scheme);

  await page.getByLabel('Event name').fill('RESET, TRAY, STOP, RESUME');
  // The newest event, opened: the timeline follows the newest, so its details stay in view.
  await page.getByTestId('timeline').getByText('RESET', { exact: true }).last().click();
  await shoot(page, 'timeline', scheme);

  await page.getByRole('tab', { name: 'Commands' }).click();
  await page.getByLabel('Command', { exact: true }).fill('blockdev-add');
  const form = page.getByRole('form', { name: 'Arguments of blockdev-add' });
  await form.getByLabel('driver', { exact: true }).selectOption('null-co');
  await form.getByLabel('node-name', { exact: true }).fill(`scratch-${scheme}`);
  await form.getByLabel('include cache').check();
  await form.getByLabel('no-flush', { exact: true }).selectOption('true');
  await form.getByLabel('size', { exact: true }).fill('1048576');
  await form.getByRole('button', { name: 'Execute' }).click();
  await page.getByTestId('qmp-return').waitFor();
  // Execute scrolled the form down; the picture shows it from the command picker on.
  await page.getByLabel('Command', { exact: true }).scrollIntoViewIfNeeded();
  await shoot(page, 'command-form', scheme);
  await context.close();
}

async function main(): Promise<void> {
  buildWebIfMissing();
  mkdirSync(out, { recursive: true });
  const dir = makeTempDir();
  const guest = findDemoGuest();
  const vms: unknown[] = [
    managedVm('web', 'Web frontend', ['-drive', 'if=ide,media=cdrom,id=cd0', '-smp', '2']),
    managedVm('db', 'Database'),
    managedVm('build', 'Build runner'),
    managedVm('spare', 'Spare (paused before boot)'),
  ];
  if (guest) vms.unshift(guestVm(guest));
  else console.log('no demo guest built: the overview shows VMs without an operating system only');
  const bridge = await startBridge(dir.path, { vms });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu'],
  });
  try {
    await waitForVms(bridge.url, vms.length);
    if (guest && !(await waitForGuest(bridge.url, 'demo-guest'))) {
      console.log('the demo guest did not report its hostname and address within 90 s; shooting without');
    }
    await makeHistory(bridge.url);
    await capture(browser, bridge.url, 'light');
    await capture(browser, bridge.url, 'dark');
  } finally {
    await browser.close();
    await bridge.stop();
    dir.remove();
  }
}

await main();
