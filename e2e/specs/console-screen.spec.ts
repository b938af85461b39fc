/**
 * The Console tab's screen against the demo guest under real QEMU, through the bridge's VNC proxy: noVNC shows
 * the guest (not a blank canvas, not the picture from before boot) with keys as scancodes, "Type text" on the VGA
 * console reaches the guest (its `echo … > /dev/ttyS0` shows in the serial console), Ctrl+Alt+Del from the menu
 * reboots it (RESET in the timeline), and the screen keeps going across `system_reset`.
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

test('the screen shows the guest, types text, sends Ctrl+Alt+Del, and keeps going across system_reset', async ({
  page,
  bridge,
}) => {
  await openConsole(page, 'demo');
  await expect(consoleStatus(page)).toContainText('the VM has not started yet');
  // QEMU offers extended key events, so noVNC sends scancodes and the guest's own layout decides.
  await expect(page.getByTestId('keyboard-mode')).toContainText('scancodes');
  const beforeBoot = await screenPixels(page);

  const serial = await page.context().newPage();
  await openConsole(serial, 'demo', 'serial/serial0');

  await page.getByRole('button', { name: 'Resume', exact: true }).click();
  await expect(serialText(serial)).toContainText(PROMPT, BOOT);
  const booted = await waitForScreenChange(page, beforeBoot, BOOT.timeout);
  expect(booted.lit, 'the booted screen is not one colour').toBeGreaterThan(100);
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
  await expect(serialText(serial)).toHaveText(new RegExp(`Restarting system[\\s\\S]*BusyBox[\\s\\S]*${PROMPT}`), BOOT);
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
});
