/**
 * A viewer in Chromium: every control that would send what the role may not run is disabled with the reason
 * (on hover and for screen readers), the QMP console refuses such a command in the page, and one forced past the
 * page over the socket is refused by the bridge: the VM keeps running.
 */
import { expect, managedVm, test } from '../fixtures/test.ts';
import { apiExecute, apiRequest, apiSignIn, apiWaitForConnected, signIn } from '../helpers/session.ts';
import { configUser, type SpecUser } from '../helpers/users.ts';
import { openTab, statusBadge } from '../helpers/vm-page.ts';

const vic: SpecUser = { name: 'vic', role: 'viewer', password: 'vic-only-looks' };
const ada: SpecUser = { name: 'ada', role: 'admin', password: 'ada-runs-it-all' };

test.use({
  vms: [managedVm('alpha', 'Alpha')],
  bridgeConfig: { users: [configUser(vic), configUser(ada)] },
});

/** The text a screen reader reads as the control's description. */
async function description(locator: import('@playwright/test').Locator): Promise<string> {
  return locator.evaluate((element) =>
    (element.getAttribute('aria-describedby') ?? '')
      .split(/\s+/)
      .map((id) => document.getElementById(id)?.textContent ?? '')
      .join(' ')
      .trim(),
  );
}

test.beforeEach(async ({ bridge }) => {
  // An admin boots the VM beside the page, so there is something running for the viewer to (not) pause.
  const admin = await apiSignIn(bridge.url, ada);
  // The bridge answers before its first QMP connection is up; a command sent earlier is refused (503).
  await apiWaitForConnected(bridge.url, admin, 'alpha');
  expect((await apiExecute(bridge.url, admin, 'alpha', 'cont')).status).toBe(200);
});

test('the action bar and the overview disable what a viewer may not do, and say why', async ({ page }) => {
  await signIn(page, vic);
  const quick = page.getByRole('button', { name: 'Pause Alpha' });
  await expect(quick).toBeDisabled();
  await expect(quick).toHaveAttribute('title', 'Your role (viewer) may not run stop');
  await page.getByRole('checkbox', { name: 'Select all shown VMs' }).check();
  await expect(page.getByRole('button', { name: 'Pause selected' })).toBeDisabled();
  expect(await description(page.getByRole('button', { name: 'Resume selected' }))).toBe(
    'Your role (viewer) may not run cont',
  );
  // A viewer does not read the audit log either.
  await expect(page.getByRole('link', { name: 'Audit' })).toHaveCount(0);

  await page.getByRole('link', { name: 'Alpha' }).click();
  await expect(statusBadge(page)).toHaveText('running');
  const bar = page.getByRole('toolbar', { name: 'VM actions' });
  const reasons: Record<string, string> = {
    Pause: 'Your role (viewer) may not run stop',
    Reset: 'Your role (viewer) may not run system_reset',
    'Power down': 'Your role (viewer) may not run system_powerdown',
    Quit: 'Your role (viewer) may not run quit',
    Kill: 'Your role (viewer) may not kill VMs',
  };
  for (const [name, reason] of Object.entries(reasons)) {
    const button = bar.getByRole('button', { name, exact: true });
    await expect(button).toBeDisabled();
    await expect(button).toHaveAttribute('title', reason);
    expect(await description(button)).toBe(reason);
  }
  // Still reachable from the keyboard, so the reason can be heard; pressing it does nothing.
  await bar.getByRole('button', { name: 'Quit', exact: true }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await bar.getByRole('button', { name: 'Pause', exact: true }).click({ force: true });
  await expect(page.getByTestId('action-result')).toHaveText('');
  await expect(statusBadge(page)).toHaveText('running');
});

test('the command picker marks what a viewer may not run, and its form cannot send it', async ({ page }) => {
  await signIn(page, vic);
  await page.getByRole('link', { name: 'Alpha' }).click();
  await openTab(page, 'Commands');
  const picker = page.getByRole('combobox', { name: 'Command' });
  await picker.fill('sto');
  const stop = page.getByRole('option', { name: 'stop', exact: true });
  await expect(stop).toHaveAttribute('aria-disabled', 'true');
  await expect(stop).toHaveAttribute('title', 'Your role (viewer) may not run stop');
  await expect(page.getByRole('option', { name: 'query-status', exact: true })).toHaveCount(0);
  await picker.fill('query-stat');
  await expect(page.getByRole('option', { name: 'query-status', exact: true })).not.toHaveAttribute(
    'aria-disabled',
    'true',
  );
  // Typed in full, the command can be read, not sent.
  await picker.fill('stop');
  await expect(page.getByTestId('command-denied')).toHaveText(
    'Your role (viewer) may not run stop: it can be read here but not sent.',
  );
  const execute = page
    .getByRole('form', { name: 'Arguments of stop' })
    .getByRole('button', { name: 'Execute' });
  await expect(execute).toBeDisabled();
  await execute.click({ force: true });
  await expect(page.getByText('Nothing executed yet.')).toBeVisible();
  await expect(statusBadge(page)).toHaveText('running');
});

test('the QMP console refuses a Pause in the page; forced over the socket, the bridge refuses it', async ({
  page,
  bridge,
}) => {
  await signIn(page, vic);
  await page.getByRole('link', { name: 'Alpha' }).click();
  await openTab(page, 'QMP');
  const input = page.getByRole('textbox', { name: 'QMP command' });
  await input.fill('stop');
  await input.press('Enter');
  await expect(page.getByRole('alert')).toHaveText('Not sent: Your role (viewer) may not run stop.');
  await input.fill('query-status');
  await input.press('Enter');
  await expect(page.getByTestId('console-transcript')).toContainText('"running": true');

  // Past the page: the same browser, its cookie, a socket of its own sending the command anyway.
  const answer = await page.evaluate(
    () =>
      new Promise<unknown>((resolve, reject) => {
        const socket = new WebSocket(`${location.origin.replace(/^http/, 'ws')}/api/ws`);
        socket.onopen = () =>
          socket.send(JSON.stringify({ type: 'execute', id: 'forced', vm: 'alpha', execute: 'stop' }));
        socket.onmessage = (event) => {
          const message = JSON.parse(String(event.data)) as { type: string; id?: string };
          if (message.type === 'result' && message.id === 'forced') {
            socket.close();
            resolve(message);
          }
        };
        socket.onerror = () => reject(new Error('the socket failed'));
      }),
  );
  expect(answer).toMatchObject({ type: 'result', id: 'forced', error: { class: 'Forbidden' } });
  // Never sent to QEMU: the VM is still running, as QEMU itself says.
  const admin = await apiSignIn(bridge.url, ada);
  expect(await apiExecute(bridge.url, admin, 'alpha', 'query-status')).toMatchObject({
    status: 200,
    body: { return: { status: 'running', running: true } },
  });
  await expect(statusBadge(page)).toHaveText('running');
});

test('the audit page says a viewer may not read it, and asks the bridge nothing', async ({
  page,
  bridge,
}) => {
  await signIn(page, vic);
  await page.goto('/audit');
  await expect(page.getByRole('alert')).toHaveText('Your role (viewer) may not read the audit log.');
  // The bridge agrees (and the page did not try: only the admin's check below reads the log).
  const admin = await apiSignIn(bridge.url, ada);
  const log = await apiRequest(bridge.url, admin, '/api/audit?user=vic');
  expect(log.status).toBe(200);
  const reads = (log.body as { entries: { command: string | null }[] }).entries.filter(
    (entry) => entry.command === 'audit.read',
  );
  expect(reads).toEqual([]);
});
