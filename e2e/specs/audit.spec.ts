/**
 * The audit log in Chromium: an operator's Pause and Resume, pressed on the page, are listed for the admin with
 * who, which role, from where and how they ended; the timeline names the user too; filters by user and VM, older
 * pages with "Load older", and Export of every matching entry as JSON lines.
 */
import { readFileSync } from 'node:fs';
import type { AuditEntry } from '@qmpdeck/protocol';
import { expect, managedVm, test } from '../fixtures/test.ts';
import { apiExecute, apiSignIn, apiWaitForConnected, signIn } from '../helpers/session.ts';
import { configUser, type SpecUser } from '../helpers/users.ts';
import { statusBadge } from '../helpers/vm-page.ts';

const ana: SpecUser = { name: 'ana', role: 'operator', password: 'ana-pauses-things' };
const ada: SpecUser = { name: 'ada', role: 'admin', password: 'ada-reads-the-log' };

test.use({
  // A function: Playwright would read a two-element array as [value, options].
  // biome-ignore lint/correctness/noEmptyPattern: Playwright fixtures take their dependencies by destructuring
  vms: async ({}, use) => use([managedVm('alpha', 'Alpha'), managedVm('beta', 'Beta')]),
  bridgeConfig: { users: [configUser(ana), configUser(ada)] },
});

test('lists the commands just sent with the user, filters by user and VM, pages back and exports', async ({
  browser,
  page,
  bridge,
}) => {
  // The operator, on the page: Resume, then Pause.
  await signIn(page, ana);
  await page.getByRole('link', { name: 'Alpha' }).click();
  await page.getByRole('button', { name: 'Resume', exact: true }).click();
  await expect(statusBadge(page)).toHaveText('running');
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await expect(statusBadge(page)).toHaveText('paused');
  await expect(
    page.getByTestId('timeline').getByText('after `stop` by ana via the Pause button'),
  ).toBeVisible();
  await expect(
    page.getByTestId('timeline').getByText('after `cont` by ana via the Resume button'),
  ).toBeVisible();

  // More history than one page of the log: the admin's own queries on the other VM, over HTTP.
  const admin = await apiSignIn(bridge.url, ada);
  await apiWaitForConnected(bridge.url, admin, 'beta');
  for (let i = 0; i < 210; i++)
    expect((await apiExecute(bridge.url, admin, 'beta', 'query-status')).status).toBe(200);

  // The admin, in a browser of their own.
  const context = await browser.newContext({ baseURL: bridge.url, acceptDownloads: true });
  const adminPage = await context.newPage();
  await signIn(adminPage, ada);
  await adminPage.getByRole('link', { name: 'Audit' }).click();
  await expect(adminPage).toHaveURL(/\/audit$/);
  await expect(adminPage.getByRole('heading', { name: 'Audit log' })).toBeVisible();
  const table = adminPage.getByRole('table', { name: 'Audit log' });
  for (const column of [
    'Time',
    'User',
    'Role',
    'Remote',
    'VM',
    'Command',
    'Arguments',
    'Outcome',
    'Duration',
  ])
    await expect(table.getByRole('columnheader', { name: column })).toBeVisible();
  await expect(adminPage.getByText(/^latest 200 entries$/)).toBeVisible();

  // Only ana's entries: her sign-in and the two commands, newest first.
  await adminPage.getByLabel('User').fill('ana');
  await adminPage.getByLabel('User').press('Enter');
  await expect(adminPage).toHaveURL(/\/audit\?user=ana$/);
  await expect(adminPage.getByText(/^3 entries$/)).toBeVisible();
  const rows = adminPage.getByTestId('audit-entry');
  await expect(rows).toHaveCount(3);
  const cells = async (index: number) =>
    (await rows.nth(index).getByRole('cell').allTextContents()).map((t) => t.trim());
  const [stop, cont, signedIn] = [await cells(0), await cells(1), await cells(2)];
  expect(stop.slice(1, 6)).toEqual(['ana', 'operator', '127.0.0.1', 'alpha', 'stop']);
  expect(stop[7]).toBe('ok');
  expect(cont.slice(1, 6)).toEqual(['ana', 'operator', '127.0.0.1', 'alpha', 'cont']);
  expect(signedIn.slice(1, 6)).toEqual(['ana', 'operator', '127.0.0.1', '—', 'signed in']);
  await expect(rows.nth(0).getByRole('cell').nth(5)).toHaveAttribute('title', /from Pause button/);

  // By VM: alpha's two commands (no session entry names a VM).
  await adminPage.getByLabel('User').fill('');
  await adminPage.getByLabel('VM').fill('alpha');
  await adminPage.getByRole('button', { name: 'Filter', exact: true }).click();
  await expect(adminPage).toHaveURL(/\/audit\?vm=alpha$/);
  await expect(rows).toHaveCount(2);

  // Everything again: a page of 200, then the older ones.
  await adminPage.getByRole('button', { name: 'Clear filters' }).click();
  await expect(adminPage.getByText(/^latest 200 entries$/)).toBeVisible();
  await adminPage.getByRole('button', { name: 'Load older' }).click();
  await expect(adminPage.getByText(/^\d+ entries$/)).toBeVisible();
  const total = Number((await adminPage.getByText(/^\d+ entries$/).textContent())?.split(' ')[0]);
  // 210 queries, ana's 3, ada's sign-ins (2) and the page's own reads of the log (audit.read) at least.
  expect(total).toBeGreaterThan(215);
  await expect(adminPage.getByRole('button', { name: 'Load older' })).toHaveCount(0);

  // Export with the filter for beta: every matching entry, loaded first, as JSON lines.
  await adminPage.getByLabel('VM').fill('beta');
  await adminPage.getByLabel('VM').press('Enter');
  await expect(adminPage.getByText(/^latest 200 entries$/)).toBeVisible();
  const download = adminPage.waitForEvent('download');
  await adminPage.getByRole('button', { name: 'Export JSON lines' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe('audit-beta.jsonl');
  const lines = readFileSync(await file.path(), 'utf8')
    .trimEnd()
    .split('\n');
  const entries = lines.map((line) => JSON.parse(line) as AuditEntry);
  expect(entries).toHaveLength(210);
  expect(
    new Set(entries.map((entry) => `${entry.user} ${entry.vm} ${entry.command} ${entry.outcome}`)),
  ).toEqual(new Set(['ada beta query-status ok']));
  // Newest first, as the log is read.
  expect(entries.map((entry) => entry.id)).toEqual(
    [...entries.map((entry) => entry.id)].sort((a, b) => b - a),
  );
  await context.close();
});
