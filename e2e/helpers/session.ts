/**
 * Signing in and out: on the page as a person does it (the keyboard only), and over the API as a script does it
 * (to act as another user beside the page, or to try an old cookie).
 */
import { expect, type Page } from '@playwright/test';
import type { SpecUser } from './users.ts';

/** Types name and password on the sign-in page and presses Enter: no pointer needed. */
export async function signInWithKeyboard(
  page: Page,
  user: Pick<SpecUser, 'name' | 'password'>,
): Promise<void> {
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await expect(page.getByLabel('Name')).toBeFocused();
  await page.keyboard.type(user.name);
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Password')).toBeFocused();
  await page.keyboard.type(user.password);
  await page.keyboard.press('Enter');
}

/** Opens the app and signs in; ends on the overview with the user shown. */
export async function signIn(page: Page, user: SpecUser): Promise<void> {
  await page.goto('/');
  await signInWithKeyboard(page, user);
  await expect(page.getByTestId('signed-in-user')).toHaveText(`Signed in as ${user.name} · ${user.role}`);
}

/** The session cookie of this browser, as a `Cookie` header value. */
export async function sessionCookieHeader(page: Page): Promise<string> {
  const cookies = await page.context().cookies();
  expect(cookies.length).toBeGreaterThan(0);
  return cookies.map((cookie) => `${cookie.name}=${cookie.value}`).join('; ');
}

/** Signs in over the API; answers the `Cookie` header value to send with later requests. */
export async function apiSignIn(
  bridgeUrl: string,
  user: Pick<SpecUser, 'name' | 'password'>,
): Promise<string> {
  const response = await fetch(`${bridgeUrl}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: user.name, password: user.password }),
  });
  const cookie = response.headers.get('set-cookie');
  if (response.status !== 200 || !cookie) {
    throw new Error(`sign-in as ${user.name} failed: ${response.status} ${await response.text()}`);
  }
  return cookie.split(';')[0] ?? '';
}

/** A request to the bridge's API carrying a cookie; answers the status and the JSON body (if any). */
export async function apiRequest(
  bridgeUrl: string,
  cookie: string,
  path: string,
  init: { method?: string; body?: unknown } = {},
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${bridgeUrl}${path}`, {
    method: init.method ?? 'GET',
    headers: { cookie, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as unknown) : null };
}

/** A QMP command over HTTP as the signed-in user; `origin` is what the audit log and causes call the control. */
export function apiExecute(
  bridgeUrl: string,
  cookie: string,
  vm: string,
  execute: string,
  args?: Record<string, unknown>,
  origin?: string,
) {
  const body = { execute, ...(args ? { arguments: args } : {}), ...(origin ? { origin } : {}) };
  return apiRequest(bridgeUrl, cookie, `/api/vms/${vm}/execute`, { method: 'POST', body });
}

/** Waits until the bridge reports the VM connected to QEMU, as the signed-in user sees it. */
export async function apiWaitForConnected(bridgeUrl: string, cookie: string, vm: string): Promise<void> {
  await expect
    .poll(
      async () =>
        ((await apiRequest(bridgeUrl, cookie, `/api/vms/${vm}`)).body as { connection?: string })?.connection,
      { timeout: 15_000, message: `VM ${vm} connected` },
    )
    .toBe('connected');
}
