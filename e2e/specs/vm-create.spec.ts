/**
 * New VM from the demo ISO, as a person makes one: a name, the ISO, Create. The VM starts (Start after
 * creating is on by default), its page shows it running, and the demo guest booted from the ISO says its
 * hostname through the guest agent the definition gave it; Stop powers it off cleanly (the guest answers the
 * power button). The bridge's refusal of an id already taken shows beside the ID field. Needs the demo guest's
 * ISO (`node --import tsx demo/guest/build.ts` with xorriso and grub); without it the test is skipped and says why.
 */
import { findDemoGuest } from '../../demo/guest/cache.ts';
import { expect, test } from '../fixtures/test.ts';
import { chooseIso, openNewVm } from '../helpers/new-vm.ts';
import { localStorage, putInStorage } from '../helpers/storage.ts';
import { statusBadge } from '../helpers/vm-page.ts';

const guest = findDemoGuest();
const iso = guest?.iso ?? null;
test.skip(!iso, 'the demo guest ISO is not built (node --import tsx demo/guest/build.ts)');
// A Linux boot from an ISO on a busy 2-core machine: give the agent time to answer.
test.setTimeout(150_000);
const BOOT = { timeout: 90_000 };

test.use({
  vms: [],
  bridgeConfig: async ({ workDir }, use) => {
    const storage = localStorage(workDir.path);
    if (iso) putInStorage(storage, iso);
    // What booted the demo guest here, as the demo's config says it: a /dev/kvm that opens may still abort QEMU.
    const accelerators = guest && guest.accelerators.length > 0 ? { accelerators: guest.accelerators } : {};
    await use({ storage: [storage], ...accelerators });
  },
});

test('name + ISO + Create makes a VM that boots the ISO, shows its guest, and Stop powers it off', async ({
  page,
}) => {
  await openNewVm(page);
  await page.getByLabel('Name', { exact: true }).fill('Web 1');
  await expect(page.getByLabel('ID', { exact: true })).toHaveValue('web-1');
  await chooseIso(page, 'demo-guest.iso');
  await expect(page.getByLabel('Start after creating')).toBeChecked();
  await page.getByRole('button', { name: 'Create' }).click();

  await expect(page).toHaveURL(/\/vms\/web-1$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Web 1' })).toBeVisible();
  await expect(statusBadge(page)).toHaveText('running', BOOT);
  // The VM page's header, where the guest's own words show.
  await expect(page.getByRole('main').locator('header').first()).toContainText('qmpdeck-demo', BOOT);

  // Stop: the power button, which the demo guest answers by powering off, so no step after it is needed.
  await page.getByRole('button', { name: 'Stop', exact: true }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Stop now' }).click();
  await expect(statusBadge(page)).toHaveText('stopped', BOOT);
  await expect(page.getByTestId('action-result')).toHaveText('Stop: done');
  await expect(page.getByTestId('timeline')).not.toContainText('BRIDGE_STOP_ESCALATED');

  // The same id again: the bridge refuses it (409 VmExists), and the form says so beside the ID.
  await openNewVm(page);
  await page.getByLabel('Name', { exact: true }).fill('Web 1');
  await page.getByRole('button', { name: 'Create' }).click();
  const idError = page.locator('#def-id-error');
  await expect(idError).toContainText('web-1');
  await expect(page.getByLabel('ID', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('error-summary')).toContainText('ID');
});
