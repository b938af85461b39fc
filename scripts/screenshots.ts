/**
 * Regenerates the dashboard screenshots in docs/screenshots/ (shown in the
 * README) from the real app: a real bridge with real QEMUs, a few real events,
 * then Debian's Chromium in light and dark. When the demo guest is built
 * (`~/.cache/qmpdeck/demo-guest/`), the overview includes a VM running it, so
 * its hostname and address show. The bridge has users, as one reachable from
 * a network does: an operator makes the history, an admin takes the pictures,
 * so the sign-in page and the audit log are shot too. The newer pages are shot
 * from the same real state: the Console tab showing the booted demo guest's
 * screen (skipped, with a reason printed, when the guest is not built), the
 * New VM form filled in, a VM's Hardware tab, its Usage tab after a few
 * samples (the bridge samples every second here), and the Tasks page after a
 * real backup of a qcow2 disk. Not part of `pnpm test`; run
 * `node --import tsx scripts/screenshots.ts` after a visible change.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from '@playwright/test';
import { guestVm } from '../demo/demo-config.ts';
import { type DemoGuest, findDemoGuest } from '../demo/guest/cache.ts';
import { repoRoot, startBridge } from '../e2e/fixtures/bridge.ts';
import { makeTempDir } from '../e2e/fixtures/temp-dir.ts';
import { managedVm } from '../e2e/fixtures/test.ts';
import { apiExecute, apiRequest, apiSignIn, signInWithKeyboard } from '../e2e/helpers/session.ts';
import { localStorage, putInStorage } from '../e2e/helpers/storage.ts';
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

/** Starts a job as the operator and waits until it is done, so the task log shows it finished. */
async function runJob(
  url: string,
  cookie: string,
  path: string,
  body: Record<string, unknown>,
): Promise<void> {
  const started = await apiRequest(url, cookie, path, { method: 'POST', body });
  if (started.status !== 202) throw new Error(`POST ${path}: ${JSON.stringify(started)}`);
  const job = started.body as { id: string; vm: string };
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const jobs = (await apiRequest(url, cookie, `/api/vms/${job.vm}/jobs`)).body as {
      id: string;
      status: string;
    }[];
    const status = jobs.find((candidate) => candidate.id === job.id)?.status;
    if (status === 'done') return;
    if (status && status !== 'running') throw new Error(`POST ${path}: the job ended ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`POST ${path}: the job did not finish within 120 s`);
}

/** The database VM's protection, as an operator sets it up: a full backup, a snapshot, an incremental backup. */
async function makeBackups(url: string): Promise<void> {
  const cookie = await apiSignIn(url, operator);
  await runJob(url, cookie, '/api/vms/db/backups', {});
  await runJob(url, cookie, '/api/vms/db/snapshots', {
    name: 'before-upgrade',
    description: 'before the schema migration',
  });
  await runJob(url, cookie, '/api/vms/db/backups', { incremental: true });
}

async function shoot(page: Page, name: string, scheme: string): Promise<void> {
  // Relative times ("12 s ago") and fonts settle; the pictures should not catch a half-drawn frame.
  await page.evaluate('document.fonts.ready');
  await page.screenshot({ path: join(out, `${name}-${scheme}.png`) });
  console.log(`docs/screenshots/${name}-${scheme}.png`);
}

async function capture(
  browser: Browser,
  url: string,
  scheme: 'light' | 'dark',
  guest: DemoGuest | null,
): Promise<void> {
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
  // Every row's CPU sparkline drawn (it needs two samples), not only the oldest VMs'.
  await pollUntil(
    async () =>
      (await page.getByTestId('cpu-sparkline').count()) >= (await page.getByTestId('vm-row').count()),
    30_000,
    'a CPU sparkline on every row',
  );
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

  if (guest) await shootConsole(page, scheme);
  await shootHardware(page, scheme);
  await shootUsage(page, scheme, guest ? 'demo-guest' : 'web');
  await shootTasks(page, scheme);
  await shootNewVm(page, scheme, guest);
  await context.close();
}

/** The demo guest's own screen through the bridge's VNC proxy, with a command typed on it by "Type text". */
async function shootConsole(page: Page, scheme: string): Promise<void> {
  await page.goto('/vms/demo-guest/console/screen');
  await page.locator('[data-testid="screen"][data-connected="true"]').waitFor({ timeout: 30_000 });
  await pollUntil(async () => (await litPixels(page)) > 100, 60_000, 'the guest screen to draw');
  await page.getByRole('button', { name: 'Type text' }).click();
  await page.getByLabel('Text to type into the guest').fill('clear; uname -a; uptime; free -m\n');
  await page.getByRole('button', { name: 'Type', exact: true }).click();
  await page.getByTestId('type-text-progress').getByText('Typed').waitFor({ timeout: 60_000 });
  // Closed again, and pixel for pixel, so the guest's text is readable in the picture.
  await page.getByRole('button', { name: 'Type text' }).click();
  await page.getByText('1:1', { exact: true }).click();
  // The guest echoes and answers after the last key; give the framebuffer update a moment to arrive.
  await page.waitForTimeout(2_000);
  await shoot(page, 'console', scheme);
}

// A string, evaluated in the page: this script's TypeScript has no DOM types (e2e/helpers/console.ts counts alike).
const COUNT_LIT_PIXELS = `(() => {
  const canvas = document.querySelector('[data-testid="screen"] canvas');
  const context = canvas && canvas.width > 0 ? canvas.getContext('2d') : null;
  if (!context) return 0;
  const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
  let lit = 0;
  for (let i = 0; i < data.length; i += 4)
    if (data[i] !== data[0] || data[i + 1] !== data[1] || data[i + 2] !== data[2]) lit++;
  return lit;
})()`;

/** Pixels of the guest's screen unlike its top-left one: 0 while it is blank. */
async function litPixels(page: Page): Promise<number> {
  return (await page.evaluate(COUNT_LIT_PIXELS)) as number;
}

/** The database's Hardware tab: its qcow2 disk, the demo ISO in its CD-ROM (when built), its NIC. */
async function shootHardware(page: Page, scheme: string): Promise<void> {
  await page.goto('/vms/db/hardware');
  await page.getByTestId('hw-nic').filter({ hasText: 'nic0' }).waitFor();
  await page.getByTestId('hw-drive').filter({ hasText: 'vda' }).waitFor();
  await shoot(page, 'hardware', scheme);
}

async function shootUsage(page: Page, scheme: string, vm: string): Promise<void> {
  await page.goto(`/vms/${vm}/usage`);
  const memory = page.getByTestId('usage-chart-memory');
  await memory.locator('canvas').waitFor();
  await page
    .getByTestId('usage-now')
    .getByText(/Now: CPU/)
    .waitFor();
  await pollUntil(
    async () => Number(await memory.getAttribute('data-points')) >= 10,
    30_000,
    'ten usage samples',
  );
  await shoot(page, 'usage', scheme);
}

/** The database VM's Tasks tab: its backups, its snapshot, and the task log of the jobs that made them. */
async function shootTasks(page: Page, scheme: string): Promise<void> {
  await page.goto('/vms/db/tasks');
  await page.getByTestId('job-row').filter({ hasText: 'Backup of db' }).first().getByText('Done').waitFor();
  await page.getByTestId('backup-row').first().waitFor();
  await shoot(page, 'tasks', scheme);
}

/** The form filled as someone making a small web server from the demo ISO would; not created. */
async function shootNewVm(page: Page, scheme: string, guest: DemoGuest | null): Promise<void> {
  await page.goto('/');
  await page.getByRole('link', { name: 'New VM' }).click();
  await page.getByRole('heading', { level: 1, name: 'New VM' }).waitFor();
  await page.getByLabel('Name', { exact: true }).fill('Web 2');
  await page.getByLabel('Description').fill('Second web frontend, behind the load balancer');
  await page.getByLabel('CPUs').fill('2');
  await page.getByLabel('Memory (MiB)').fill('512');
  if (guest?.iso) {
    const picker = page.getByLabel('Installer ISO');
    const value = await picker.locator('option', { hasText: 'demo-guest.iso' }).getAttribute('value');
    await picker.selectOption(value ?? '');
  }
  await page.getByLabel('Memory (MiB)').blur();
  await shoot(page, 'new-vm', scheme);
}

async function pollUntil(check: () => Promise<boolean>, timeout: number, what: string): Promise<void> {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`waited ${timeout / 1000} s for ${what}`);
}

async function main(): Promise<void> {
  buildWebIfMissing();
  mkdirSync(out, { recursive: true });
  const dir = makeTempDir();
  const guest = findDemoGuest();
  // The New VM form and the Hardware tab pick images from a storage location; the demo guest's ISO is the example.
  const images = localStorage(dir.path);
  if (guest?.iso) putInStorage(images, guest.iso);
  // The database's disk is a real qcow2 file, so the backups in the task log copy something.
  const dbDisk = join(images.path, 'db-data.qcow2');
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', dbDisk, '64M']);
  const cdrom = guest?.iso ? `,file=${join(images.path, 'demo-guest.iso')},readonly=on` : '';
  const vms: unknown[] = [
    managedVm('web', 'Web frontend', ['-drive', 'if=ide,media=cdrom,id=cd0', '-smp', '2']),
    managedVm('db', 'Database', [
      ...['-blockdev', `driver=qcow2,node-name=data0,file.driver=file,file.filename=${dbDisk}`],
      ...['-device', 'virtio-blk-pci,drive=data0,id=vda'],
      ...['-drive', `if=ide,media=cdrom,id=cd0${cdrom}`],
      // Only its (empty) disk boots and the NIC has no option ROM: the firmware finds nothing and waits, rather
      // than booting the ISO or trying the network.
      ...['-boot', 'order=c,strict=on'],
      ...['-netdev', 'user,id=n0', '-device', 'e1000,netdev=n0,id=nic0,mac=52:54:00:12:34:56,romfile='],
    ]),
    managedVm('build', 'Build runner'),
    managedVm('spare', 'Spare (paused before boot)'),
  ];
  if (guest) vms.unshift(guestVm(guest));
  else {
    console.log('no demo guest built: the overview shows VMs without an operating system only');
    console.log(
      'skipping the console picture: it needs the demo guest (node --import tsx demo/guest/build.ts)',
    );
  }
  const bridge = await startBridge(dir.path, {
    vms,
    users: [configUser(operator), configUser(admin)],
    storage: [images, { id: 'backups', path: join(dir.path, 'backups'), content: ['backup'] }],
    // A sample a second, so the Usage tab has a history after the minute the script takes.
    metrics: { intervalSeconds: 1 },
    ...(guest && guest.accelerators.length > 0 ? { accelerators: guest.accelerators } : {}),
  });
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
    await makeBackups(bridge.url);
    await capture(browser, bridge.url, 'light', guest);
    await capture(browser, bridge.url, 'dark', guest);
  } finally {
    await browser.close();
    await bridge.stop();
    dir.remove();
  }
}

await main();
