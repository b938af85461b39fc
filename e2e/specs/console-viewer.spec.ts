/**
 * A viewer's Console tab against the demo guest under real QEMU, on a bridge with users: the viewer sees the
 * guest's screen, the keys menu and Type text are denied with the reason (on hover and in the status line), the
 * serial terminal says it is view only too, and nothing the viewer types reaches the guest, whether typed on the
 * page or forced past it with an RFB client of its own carrying the viewer's session cookie. Checked in the guest:
 * an operator's line typed after the viewer's shows on the serial port, the viewer's never do.
 * Needs the guest image (`node --import tsx demo/guest/build.ts`); without it the test is skipped and says why.
 */
import { randomBytes } from 'node:crypto';
import { RfbTestClient } from '../../apps/bridge/src/testing/rfb-test-client.ts';
import { guestVm } from '../../demo/demo-config.ts';
import { findDemoGuest } from '../../demo/guest/cache.ts';
import { expect, test } from '../fixtures/test.ts';
import {
  expectConnected,
  screenPixels,
  screenView,
  serialText,
  typeIntoSerial,
  typeText,
} from '../helpers/console.ts';
import { sessionCookieHeader, signIn } from '../helpers/session.ts';
import { configUser, type SpecUser } from '../helpers/users.ts';

const vic: SpecUser = { name: 'vic', role: 'viewer', password: 'vic-only-looks' };
const otto: SpecUser = { name: 'otto', role: 'operator', password: 'otto-types-away' };

const guest = findDemoGuest();
test.skip(!guest, 'the demo guest image is not built (node --import tsx demo/guest/build.ts)');
test.use({
  vms: guest ? [guestVm(guest)] : [],
  bridgeConfig: { users: [configUser(vic), configUser(otto)] },
});
test.setTimeout(240_000);
const BOOT = { timeout: 90_000 };
const PROMPT = 'qmpdeck-demo:/#';
const VM = 'demo-guest';
const SCREEN_REASON = 'Your role (viewer) may not type into consoles';
const SERIAL_REASON = 'Your role (viewer) may not type into serial consoles';

const marker = (what: string) => `${what}${randomBytes(4).toString('hex')}`;

test('a viewer sees the screen, gets no keys menu or Type text and is told why, and their typing reaches nothing', async ({
  page,
  browser,
  bridge,
}) => {
  // The operator watches the serial port, where the guest's `echo ... > /dev/ttyS0` lands.
  const operatorContext = await browser.newContext();
  const operatorSerial = await operatorContext.newPage();
  await signIn(operatorSerial, otto);
  await operatorSerial.goto(`/vms/${VM}/console/serial/serial0`);
  await expectConnected(operatorSerial, 'serial/serial0');
  await expect(serialText(operatorSerial)).toContainText(PROMPT, BOOT);

  await signIn(page, vic);
  await page.goto(`/vms/${VM}/console/screen`);
  await expectConnected(page);
  // The viewer sees the guest: the canvas is not blank.
  await expect.poll(async () => (await screenPixels(page)).lit, BOOT).toBeGreaterThan(0);
  await expect(page.getByTestId('view-only')).toHaveText(`View only: ${SCREEN_REASON}`);
  for (const name of ['Send keys ▾', 'Type text']) {
    const button = page.getByRole('button', { name, exact: true });
    await expect(button).toHaveAttribute('aria-disabled', 'true');
    await expect(button).toHaveAttribute('title', SCREEN_REASON);
    await button.click({ force: true });
  }
  // Nothing opened.
  await expect(page.getByRole('list', { name: 'Keys to send' })).toHaveCount(0);
  await expect(page.getByLabel('Text to type into the guest')).toHaveCount(0);

  // Typed on the screen as a person would.
  const onScreen = marker('viewerscreen');
  await screenView(page).click();
  await page.keyboard.type(`echo ${onScreen} > /dev/ttyS0`);
  await page.keyboard.press('Enter');
  // Forced past the page: an RFB client of its own with the viewer's session cookie, sending KeyEvents.
  const forced = await RfbTestClient.overWebSocket(bridge.url, `/api/vms/${VM}/vnc`, {
    cookie: await sessionCookieHeader(page),
  });
  await forced.handshake({ shared: true });
  const byForce = marker('viewerforced');
  forced.type(`echo ${byForce} > /dev/ttyS0`);
  // The bridge has handled those bytes once this update arrives: it answers a request sent after them.
  expect((await forced.requestUpdate(false)).bytes).toBeGreaterThan(0);
  forced.close();

  // The serial terminal is view only for the viewer too, and says why.
  await page.goto(`/vms/${VM}/console/serial/serial0`);
  await expectConnected(page, 'serial/serial0');
  await expect(page.getByTestId('view-only')).toHaveText(`View only: ${SERIAL_REASON}`);
  const onSerial = marker('viewerserial');
  await typeIntoSerial(page, `echo ${onSerial}`);

  // The operator types on the screen after all that: had any of the viewer's lines reached the guest, its
  // output would already be on the serial port by the time the operator's shows.
  const operatorScreen = await operatorContext.newPage();
  await operatorScreen.goto(`/vms/${VM}/console/screen`);
  await expectConnected(operatorScreen);
  const typed = marker('operatortyped');
  await typeText(operatorScreen, `echo ${typed} > /dev/ttyS0\n`);
  await expect(serialText(operatorSerial)).toContainText(typed, BOOT);
  const guestSaid = await serialText(operatorSerial).textContent();
  for (const ignored of [onScreen, byForce, onSerial]) expect(guestSaid).not.toContain(ignored);
  // The viewer watched all along: their terminal shows the operator's line too.
  await expect(serialText(page)).toContainText(typed);
  await operatorContext.close();
});
