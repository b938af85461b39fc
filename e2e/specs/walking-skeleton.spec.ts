/**
 * The walking skeleton, end to end: `pnpm start` with no config launches the
 * demo VM; a person opens the dashboard, opens the VM, resumes and pauses it,
 * and sees the run state and the QMP events change live.
 */
import { expect, test } from '@playwright/test';
import { freePort, type PnpmStart, pnpmStart } from '../fixtures/pnpm-start.ts';
import { makeTempDir, type TempDir } from '../fixtures/temp-dir.ts';

let dir: TempDir;
let app: PnpmStart;

test.beforeAll(async () => {
  dir = makeTempDir();
  const port = await freePort();
  // Its own data directory, so the demo config and event history are this test's alone.
  app = await pnpmStart(['--port', String(port)], { XDG_DATA_HOME: dir.path });
});

test.afterAll(async () => {
  await app?.stop();
  dir?.remove();
});

test('a person resumes and pauses the demo VM and watches it happen', async ({ page }) => {
  await page.goto(app.url);
  const demoLink = page.getByRole('link', { name: /Demo \(paused before boot\)/ });
  await expect(demoLink).toBeVisible();
  await demoLink.click();

  const status = page.getByTestId('vm-status').first();
  await expect(status).toHaveText('prelaunch');

  await page.getByRole('button', { name: 'Resume', exact: true }).click();
  await expect(status).toHaveText('running');
  await expect(page.getByText('RESUME', { exact: true }).first()).toBeVisible();

  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await expect(status).toHaveText('paused');
  await expect(page.getByText('STOP', { exact: true }).first()).toBeVisible();
});
