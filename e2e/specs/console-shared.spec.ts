/**
 * One console, several people, and a bridge that goes away: two browser contexts watch the same screen and both
 * keep updating (neither drops the other); a command typed (or pasted) into the serial terminal runs in the guest
 * and its output shows; a newcomer sees the serial port's last screen; the log downloads; and after the bridge restarts
 * (which restarts its managed QEMU too) the screen and the serial console come back by themselves.
 */
import { readFileSync } from 'node:fs';
import { guestVm } from '../../demo/demo-config.ts';
import { findDemoGuest } from '../../demo/guest/cache.ts';
import { expect, test } from '../fixtures/test.ts';
import {
  consoleStatus,
  expectConnected,
  openConsole,
  recordPhases,
  screenPixels,
  serialTerminal,
  serialText,
  typeIntoSerial,
  typeText,
  waitForScreenChange,
} from '../helpers/console.ts';

const guest = findDemoGuest();
test.skip(!guest, 'the demo guest image is not built (node --import tsx demo/guest/build.ts)');
// Paste (Ctrl+Shift+V) reads the clipboard: the page asks, so the test's browser allows it.
test.use({ vms: guest ? [guestVm(guest)] : [], permissions: ['clipboard-read', 'clipboard-write'] });
test.setTimeout(240_000);
const BOOT = { timeout: 90_000 };
const PROMPT = 'qmpdeck-demo:/#';
const VM = 'demo-guest';

test('two viewers both keep updating; serial input runs; both consoles come back after a bridge restart', async ({
  page,
  browser,
  bridge,
}) => {
  const serial = await page.context().newPage();
  await openConsole(serial, VM, 'serial/serial0');
  await expect(serialText(serial)).toContainText(PROMPT, BOOT);

  // A command typed into the serial terminal runs in the guest; its output shows.
  await typeIntoSerial(serial, 'echo serial-$((6*7)); uname -s');
  await expect(serialText(serial)).toContainText('serial-42');
  await expect(serialText(serial)).toContainText('Linux');

  // Paste: Ctrl+Shift+V types the clipboard into the port.
  await serial.evaluate(() => navigator.clipboard.writeText('echo pasted-$((3*3))'));
  await serialTerminal(serial).click();
  await serial.keyboard.press('Control+Shift+V');
  await serial.keyboard.press('Enter');
  await expect(serialText(serial)).toContainText('pasted-9');

  // A newcomer (another person) gets the port's last screen from the bridge.
  const other = await browser.newContext();
  const newcomer = await other.newPage();
  await openConsole(newcomer, VM, 'serial/serial0');
  await expect(serialText(newcomer)).toContainText('serial-42');

  // The log downloads, with what the guest wrote.
  const [download] = await Promise.all([
    serial.waitForEvent('download'),
    serial.getByRole('link', { name: 'Download log' }).click(),
  ]);
  expect(readFileSync(await download.path(), 'utf8')).toContain('serial-42');

  // Two contexts watch the screen; a change shows in both, and neither is dropped.
  await openConsole(page, VM);
  const watcher = await other.newPage();
  await openConsole(watcher, VM);
  const phasesA = await recordPhases(page);
  const phasesB = await recordPhases(watcher);
  const [a0, b0] = [await screenPixels(page), await screenPixels(watcher)];
  await typeText(page, 'echo two-viewers\n');
  const [a1, b1] = [await waitForScreenChange(page, a0), await waitForScreenChange(watcher, b0)];
  await typeText(page, 'echo still-both\n');
  await waitForScreenChange(page, a1);
  await waitForScreenChange(watcher, b1);
  expect(await phasesA()).toEqual(['connected']);
  expect(await phasesB()).toEqual(['connected']);

  // The bridge restarts (and with it the managed QEMU): both consoles reconnect by themselves.
  const phasesSerial = await recordPhases(serial);
  const beforeRestart = await screenPixels(page);
  await bridge.restart();
  await expectConnected(page, 'screen', 60_000);
  await expectConnected(serial, 'serial/serial0', 60_000);
  expect(await phasesA()).toContain('reconnecting');
  // A managed QEMU that is still starting may drop the first connection once more; what counts is that the screen
  // comes back by itself and stays.
  await expectConnected(page, 'screen', 60_000);
  expect(await phasesSerial()).toContain('reconnecting');
  await waitForScreenChange(page, beforeRestart, BOOT.timeout);
  await expect(serialText(serial)).toContainText(PROMPT, BOOT);
  await typeIntoSerial(serial, 'echo back-$((40+2))');
  await expect(serialText(serial)).toContainText('back-42');
  await expect(consoleStatus(watcher)).toHaveAttribute('data-phase', 'connected', { timeout: 60_000 });
  await other.close();
});
