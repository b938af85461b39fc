/**
 * Signing in and out of a bridge with users, in Chromium: a page asked for without a session leads to sign-in
 * and back to it afterwards, wrong credentials are said, the header says who is signed in, sign-out ends the
 * session on the server (the old cookie is refused), and a session ended elsewhere sends the page to sign in.
 */
import { expect, managedVm, test } from '../fixtures/test.ts';
import { apiRequest, sessionCookieHeader, signIn, signInWithKeyboard } from '../helpers/session.ts';
import { configUser, type SpecUser } from '../helpers/users.ts';
import { statusBadge } from '../helpers/vm-page.ts';

const ana: SpecUser = { name: 'ana', role: 'operator', password: 'ana-correct-horse' };

test.use({ vms: [managedVm('alpha', 'Alpha')], bridgeConfig: { users: [configUser(ana)] } });

test('a page asked for without a session leads to sign-in, then back to it', async ({ page }) => {
  await page.goto('/vms/alpha/info');
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fvms%2Falpha%2Finfo$/);
  await expect(page).toHaveTitle('Sign in · QMP Deck');
  await expect(page.getByLabel('Name')).toHaveAttribute('autocomplete', 'username');
  await expect(page.getByLabel('Password')).toHaveAttribute('autocomplete', 'current-password');
  // Nothing of the app (or who is signed in) shows before signing in.
  await expect(page.getByTestId('signed-in-user')).toHaveCount(0);

  await signInWithKeyboard(page, { name: 'ana', password: 'not-her-password' });
  await expect(page.getByRole('alert')).toHaveText('Wrong name or password.');
  await expect(page.getByLabel('Password')).toHaveValue('');
  await expect(page.getByLabel('Password')).toBeFocused();

  await page.getByLabel('Name').fill('');
  await page.getByLabel('Name').focus();
  await signInWithKeyboard(page, ana);
  await expect(page).toHaveURL(/\/vms\/alpha\/info$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Alpha' })).toBeVisible();
  await expect(page.getByTestId('signed-in-user')).toHaveText('Signed in as ana · operator');
  await expect(page.getByTestId('signed-in-user')).toContainText('ana · operator');
  // An operator does not read the audit log: no link to it.
  await expect(page.getByRole('link', { name: 'Audit' })).toHaveCount(0);
});

test('Sign out ends the session on the server: the old cookie gets 401', async ({ page, bridge }) => {
  await signIn(page, ana);
  const cookie = await sessionCookieHeader(page);
  expect((await apiRequest(bridge.url, cookie, '/api/session')).status).toBe(200);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.getByTestId('signed-in-user')).toHaveCount(0);

  // The cookie the browser had is dead on the server, not only forgotten by the browser.
  expect(await apiRequest(bridge.url, cookie, '/api/session')).toEqual({
    status: 401,
    body: { error: { class: 'Unauthorized', desc: expect.any(String) } },
  });
  expect((await apiRequest(bridge.url, cookie, '/api/vms')).status).toBe(401);
  await page.goto('/');
  await expect(page).toHaveURL(/\/sign-in$/);
});

test('a session ended elsewhere closes the live socket (4401) and the page goes to sign in', async ({
  page,
  bridge,
}) => {
  await signIn(page, ana);
  await page.getByRole('link', { name: 'Alpha' }).click();
  await expect(statusBadge(page)).toHaveText('prelaunch');
  // Signing out in another tab, or by a script, with the same cookie.
  const cookie = await sessionCookieHeader(page);
  expect((await apiRequest(bridge.url, cookie, '/api/session', { method: 'DELETE' })).status).toBe(204);
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fvms%2Falpha$/);
  await signInWithKeyboard(page, ana);
  await expect(page).toHaveURL(/\/vms\/alpha$/);
  await expect(statusBadge(page)).toHaveText('prelaunch');
});
