/**
 * A viewer on the Hardware and Usage tabs: the hardware is read (one `hardware.read`, the host-path query left out
 * as the role says), the usage charts draw, and every control that would change the VM (media, eject, link,
 * hot-plug, unplug) is disabled with the reason.
 */
import { expect, managedVm, test } from '../fixtures/test.ts';
import { apiSignIn, apiWaitForConnected, signIn } from '../helpers/session.ts';
import { configUser, type SpecUser } from '../helpers/users.ts';
import { openTab } from '../helpers/vm-page.ts';

const vic: SpecUser = { name: 'vic', role: 'viewer', password: 'vic-only-looks' };

test.use({
  vms: [
    managedVm('alpha', 'Alpha', [
      ...['-M', 'q35', '-device', 'pcie-root-port,id=rp1,chassis=1'],
      ...['-drive', 'if=none,id=cd0,media=cdrom', '-device', 'ide-cd,drive=cd0,bus=ide.0'],
      ...['-blockdev', 'driver=null-co,node-name=n0,size=1048576'],
      ...['-device', 'virtio-blk-pci,drive=n0,id=vd0,bus=rp1'],
      ...['-netdev', 'user,id=n1', '-device', 'e1000,netdev=n1,id=nic0'],
    ]),
  ],
  bridgeConfig: { users: [configUser(vic)], metrics: { intervalSeconds: 1 } },
});

test('a viewer reads the hardware and the usage, and may change nothing there', async ({ page, bridge }) => {
  await apiWaitForConnected(bridge.url, await apiSignIn(bridge.url, vic), 'alpha');
  await signIn(page, vic);
  await page.getByRole('link', { name: 'Alpha' }).click();
  await openTab(page, 'Hardware');
  const drives = page.getByRole('region', { name: 'Drives' });
  await expect(drives.getByTestId('hw-drive').filter({ hasText: 'cd0' })).toContainText('cdrom · ide-cd');
  await expect(drives).toContainText(
    'Protocol nodes not shown: role viewer may not run query-named-block-nodes',
  );
  const reasons: [string, string][] = [
    ['Eject cd0', 'Your role (viewer) may not run eject'],
    ['Unplug vd0', 'Your role (viewer) may not unplug disks'],
    ['Link down nic0', 'Your role (viewer) may not run set_link'],
    ['Unplug nic0', 'Your role (viewer) may not unplug NICs'],
    ['Add NIC', 'Your role (viewer) may not hot-plug NICs'],
    ['Insert cd0', 'Your role (viewer) may not change media'],
    ['Add disk', 'Your role (viewer) may not hot-plug disks'],
  ];
  for (const [name, reason] of reasons) {
    const button = page.getByRole('button', { name, exact: true });
    await expect(button).toBeDisabled();
    await expect(button).toHaveAttribute('title', reason);
  }
  // Pressing one anyway sends nothing: the link stays as the bridge knew it.
  await page.getByRole('button', { name: 'Link down nic0' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('hw-nic').filter({ hasText: 'nic0' }).getByTestId('hw-link')).toHaveText(
    'link unknown',
  );

  await openTab(page, 'Usage');
  await expect(page.getByTestId('usage-chart-cpu').locator('canvas')).toBeVisible();
  await expect(page.getByTestId('usage-now')).toContainText(/Now: CPU [\d.]+ % · memory \d+ MiB/);
});
