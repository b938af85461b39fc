/**
 * The Console tab's screen against the demo guest under real QEMU, through the bridge's VNC proxy: noVNC shows
 * the guest (not a blank canvas, not the picture from before boot) with keys as scancodes, "Type text" on the VGA
 * console reaches the guest (its `echo … > /dev/ttyS0` shows in the serial console), Ctrl+Alt+Del from the menu
 * reboots it (RESET in the timeline), and the screen keeps going across `system_reset`; 1:1, full screen and the
 * pop-out window work; both consoles come back by themselves when QEMU is killed and started again.
 * Needs the guest image (`node --import tsx demo/guest/build.ts`); without it the test is skipped and says why.
 */
import { pausedVm } from '../../demo/demo-config.ts';
import { findDemoGuest } from '../../demo/guest/cache.ts';
import { expect, test } from '../fixtures/test.ts';
import { execute, storedEventNames } from '../helpers/bridge-api.ts';
import {
  consoleStatus,
  expectConnected,
  openConsole,
  recordPhases,
  screenPixels,
  screenView,
  sendKeys,
  serialText,
  typeIntoSerial,
  typeText,
  waitForScreenChange,
} from '../helpers/console.ts';
import { openTab, timelineEvent } from '../helpers/vm-page.ts';

const guest = findDemoGuest();
test.skip(!guest, 'the demo guest image is not built (node --import tsx demo/guest/build.ts)');
// "Demo (paused before boot)": id `demo`, QEMU waiting in prelaunch; its Linux calls itself qmpdeck-paused.
test.use({ vms: guest ? [pausedVm(guest)] : [] });
test.setTimeout(240_000);
const BOOT = { timeout: 90_000 };
const PROMPT = 'qmpdeck-paused:/#';

test('the screen shows the guest, takes typed text and Ctrl+Alt+Del, and comes back across system_reset and a QEMU restart', async ({
  page,
  bridge,
}) => {
  await openConsole(page, 'demo');
  await expect(consoleStatus(page)).toContainText('the VM has not started yet');
  // QEMU offers extended key events, so noVNC sends scancodes and the guest's own layout decides.
  await expect(page.getByTestId('keyboard-mode')).toContainText('scancodes');
  const beforeBoot = await screenPixels(page);

  // Keystrokes need a running VM: Type text says so instead of failing.
  await page.getByRole('button', { name: 'Type text' }).click();
  await page.getByLabel('Text to type into the guest').fill('echo too-early\n');
  await expect(page.getByRole('button', { name: 'Type', exact: true })).toBeDisabled();
  await expect(page.getByText('Typing needs a running VM')).toBeVisible();

  // 1:1 shows the framebuffer pixel for pixel; Fit scales it; full screen takes the whole display.
  await page.getByText('1:1', { exact: true }).click();
  await expect
    .poll(() =>
      screenView(page)
        .locator('canvas')
        .evaluate((c: HTMLCanvasElement) => c.clientWidth - c.width),
    )
    .toBe(0);
  await page.getByText('Fit', { exact: true }).click();
  await page.getByRole('button', { name: 'Full screen' }).click();
  await expect.poll(() => page.evaluate(() => document.fullscreenElement !== null)).toBe(true);
  await page.getByRole('button', { name: 'Exit full screen' }).click();
  await expect.poll(() => page.evaluate(() => document.fullscreenElement !== null)).toBe(false);

  // The pop-out window has its own URL and none of the app's chrome.
  const [popout] = await Promise.all([
    page.waitForEvent('popup'),
    page.getByRole('button', { name: 'Pop out' }).click(),
  ]);
  await expect(popout).toHaveURL(/\/vms\/demo\/console\/screen\?popout=1$/);
  await expectConnected(popout);
  await expect(popout.getByRole('tablist')).toHaveCount(0);
  await expect(popout.getByRole('link', { name: 'QMP Deck' })).toHaveCount(0);
  await popout.close();

  const serial = await page.context().newPage();
  await openConsole(serial, 'demo', 'serial/serial0');

  await page.getByRole('button', { name: 'Resume', exact: true }).click();
  await expect(serialText(serial)).toContainText(PROMPT, BOOT);
  // The first change after the prompt may be a nearly blank frame (the VGA console clearing): wait for text on it.
  let booted = beforeBoot;
  await expect
    .poll(
      async () => {
        booted = await waitForScreenChange(page, beforeBoot, BOOT.timeout);
        return booted.lit;
      },
      { message: 'the booted screen is not one colour', timeout: BOOT.timeout },
    )
    .toBeGreaterThan(100);
  expect(booted.hash).not.toBe(beforeBoot.hash);
  await expect(consoleStatus(page)).toHaveText('Connected');

  // Type text on the VGA console; the guest writes it to its serial port.
  const word = `typed-${Math.random().toString(36).slice(2, 10)}`;
  await typeText(page, `echo ${word} > /dev/ttyS0\n`);
  await expect(serialText(serial)).toContainText(word);
  const typed = await screenPixels(page);
  expect(typed.hash, 'the typed command shows on the screen').not.toBe(booted.hash);

  // Ctrl+Alt+Del from the menu: the guest's init reboots, QEMU resets it.
  expect(await storedEventNames(bridge.url, 'demo')).not.toContain('RESET');
  await sendKeys(page, 'Ctrl+Alt+Del');
  await openTab(page, 'Timeline');
  await expect(timelineEvent(page, 'RESET').first()).toBeVisible(BOOT);

  // system_reset: the screen stays connected and keeps drawing; the serial console shows the new boot.
  await openTab(page, 'Console');
  await expectConnected(page);
  // The prompt of the new boot, not the one still on screen from before.
  await expect(serialText(serial)).toHaveText(
    new RegExp(`Restarting system[\\s\\S]*BusyBox[\\s\\S]*${PROMPT}`),
    BOOT,
  );
  const marker = `before-reset-${Math.random().toString(36).slice(2, 8)}`;
  await typeIntoSerial(serial, `echo ${marker}`);
  await expect(serialText(serial)).toContainText(marker);
  const phases = await recordPhases(page);
  const beforeReset = await screenPixels(page);
  expect((await execute(bridge.url, 'demo', 'system_reset')).status).toBe(200);
  await waitForScreenChange(page, beforeReset);
  await expect(serialText(serial)).toHaveText(
    new RegExp(`${marker}[\\s\\S]*BusyBox[\\s\\S]*${PROMPT}`),
    BOOT,
  );
  await expect(consoleStatus(page)).toHaveAttribute('data-phase', 'connected');
  expect(await phases()).toEqual(['connected']);
  const word2 = `again-${Math.random().toString(36).slice(2, 10)}`;
  await typeText(page, `echo ${word2} > /dev/ttyS0\n`);
  await expect(serialText(serial)).toContainText(word2);

  // QEMU killed and started again (the same bridge): both consoles come back by themselves. The serial
  // WebSocket stays open (the bridge keeps the port's screen and reconnects to QEMU itself); the screen's breaks.
  const killMarker = `before-kill-${Math.random().toString(36).slice(2, 8)}`;
  await typeIntoSerial(serial, `echo ${killMarker}`);
  await expect(serialText(serial)).toContainText(killMarker);
  await page.getByRole('button', { name: 'Kill', exact: true }).click();
  await page.getByRole('dialog', { name: 'Kill QEMU?' }).getByRole('button', { name: 'Kill QEMU' }).click();
  await expect(consoleStatus(page)).toHaveAttribute('data-phase', /connecting|reconnecting/);
  await expect(consoleStatus(page)).toContainText('QEMU is not running');
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await expectConnected(page, 'screen', 60_000);
  await expect(consoleStatus(page)).toContainText('the VM has not started yet');
  expect(await phases()).toContain('reconnecting');
  await page.getByRole('button', { name: 'Resume', exact: true }).click();
  await expect(serialText(serial)).toHaveText(
    new RegExp(`${killMarker}[\\s\\S]*BusyBox[\\s\\S]*${PROMPT}`),
    BOOT,
  );
  await expectConnected(serial, 'serial/serial0');
});
