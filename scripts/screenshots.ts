/**
 * Regenerates the dashboard screenshots in docs/screenshots/ (shown in the
 * README) from the real app: a real bridge with real QEMUs, a few real events,
 * then Debian's Chromium in light and dark. When the demo guest is built
 * (`~/.cache/qmpdeck/demo-guest/`), the overview includes a VM running it, so
 * its hostname and address show. The bridge has users, as one reachable from
 * a network does: an operator makes the history, an admin takes the pictures,
 * so the sign-in page and the audit log are shot too. Not part of `pnpm test`;
 * run `node --import tsx scripts/screenshots.ts` after a visible change.
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
import { apiExecute, apiRequest, apiSignIn, signInWithKeyboard } from '../e2e/helpers/session.ts';
import { configUser, type SpecUser } from '../e2e/helpers/users.ts';

const out = join(repoRoot, 'docs/screenshots');
const viewport = { width: 1280, height: 800 };
// Made up for the pictures; the bridge lives only as long as the script.
const operator: SpecUser = { name: 'ana', role: 'operator', password: 'screenshots-operator' };
const admin: SpecUser = { name: 'ada', role: 'admin', password: 'screenshots-admin' };

function buildWebIfMissing(): void {
  if (existsSync(join(repoRoot, 'apps/web/dist/index.html'))) return;
  const result = spawnSync('pnpm', ['--filter', '@qmpdeck/web', 'build'], {
    cwd: repoRoot,
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error('the web build failed');
}

async function waitForVms(url: string, cookie: string, count: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const vms = (await apiRequest(url, cookie, '/api/vms')).body as { connection: string }[];
    if (vms.filter((vm) => vm.connection === 'connected').length >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the VMs did not connect within 20 s');
}

/** Waits until the demo guest's agent has told its hostname and address (a TCG boot on a busy box can take a while). */
async function waitForGuest(url: string, cookie: string, id: string): Promise<boolean> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    const vm = (await apiRequest(url, cookie, `/api/vms/${id}`)).body as {
      guest?: { hostname?: string; addresses?: { family: string }[] } | null;
    };
    if (vm.guest?.hostname && vm.guest.addresses?.some((address) => address.family === 'ipv4')) return true;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return false;
}

/** A short, real history: what an operator does in a first minute, and someone guessing a password. */
async function makeHistory(url: string): Promise<void> {
  const cookie = await apiSignIn(url, operator);
  const steps: [string, string, Record<string, unknown> | undefined, string][] = [
    ['web', 'cont', undefined, 'Resume button'],
    ['web', 'eject', { device: 'cd0' }, 'Commands tab'],
    ['web', 'stop', undefined, 'Pause button'],
    ['web', 'cont', undefined, 'Resume button'],
    ['web', 'system_reset', undefined, 'Reset button'],
    ['db', 'cont', undefined, 'overview bulk Resume'],
    ['build', 'cont', undefined, 'overview bulk Resume'],
    ['build', 'stop', undefined, 'Pause button'],
    ['db', 'human-monitor-command', { 'command-line': 'info status' }, 'console'],
  ];
  for (const [vm, command, args, origin] of steps) {
    const answer = await apiExecute(url, cookie, vm, command, args, origin);
    // An operator may not use the human monitor: a refusal the audit log shows.
    if (answer.status !== 200 && command !== 'human-monitor-command') {
      throw new Error(`${command} on ${vm}: ${JSON.stringify(answer)}`);
    }
  }
  await fetch(`${url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'root', password: 'hunter2' }),
  });
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
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await page.getByLabel('Name').fill(admin.name);
  await page.getByLabel('Password').fill(admin.password);
  await page.getByLabel('Password').blur();
  await shoot(page, 'sign-in', scheme);
  await page.getByLabel('Name').fill('');
  await page.getByLabel('Name').focus();
  await signInWithKeyboard(page, admin);
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

  await page.getByRole('link', { name: 'Audit' }).click();
  await page.getByTestId('audit-entry').first().waitFor();
  await shoot(page, 'audit', scheme);
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
  const bridge = await startBridge(dir.path, { vms, users: [configUser(operator), configUser(admin)] });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu'],
  });
  try {
    const cookie = await apiSignIn(bridge.url, admin);
    await waitForVms(bridge.url, cookie, vms.length);
    if (guest && !(await waitForGuest(bridge.url, cookie, 'demo-guest'))) {
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
