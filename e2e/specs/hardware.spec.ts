/**
 * The Hardware tab shows what the VM is made of and follows it live: a CD-ROM's tray as it moves, a NIC's link as
 * it is set from the tab, a NIC hot-plugged and unplugged (q35 with native PCIe hot-plug: no guest needed).
 */
import { expect, managedVm, test } from '../fixtures/test.ts';
import { execute } from '../helpers/bridge-api.ts';
import { openTab, openVm } from '../helpers/vm-page.ts';

test.use({
  vms: [
    managedVm('alpha', 'Alpha', [
      ...['-M', 'q35', '-global', 'ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off'],
      ...['-device', 'pcie-root-port,id=rp1,chassis=1'],
      ...['-drive', 'if=none,id=cd0,media=cdrom', '-device', 'ide-cd,drive=cd0,bus=ide.0'],
      ...['-netdev', 'user,id=n0', '-device', 'e1000,netdev=n0,id=nic0,mac=52:54:00:aa:bb:cc'],
    ]),
  ],
});

test('drives, trays and NIC links follow live; a NIC is hot-plugged and unplugged', async ({
  page,
  bridge,
}) => {
  await openVm(page, 'Alpha');
  await page.getByRole('button', { name: 'Resume', exact: true }).click();
  await openTab(page, 'Hardware');
  await expect(page).toHaveURL(/\/vms\/alpha\/hardware$/);
  const drive = page.getByTestId('hw-drive').filter({ hasText: 'cd0' });
  await expect(drive).toContainText('cdrom · ide-cd');
  await expect(drive.getByTestId('hw-tray')).toHaveText('tray closed');

  // A tray moved by anyone shows at once (DEVICE_TRAY_MOVED refreshes the tab).
  await execute(bridge.url, 'alpha', 'eject', { device: 'cd0', force: true });
  await expect(drive.getByTestId('hw-tray')).toHaveText('tray open');

  const nic = page.getByTestId('hw-nic').filter({ hasText: 'nic0' });
  await expect(nic).toContainText('52:54:00:aa:bb:cc');
  await expect(nic.getByTestId('hw-link')).toHaveText('link unknown');
  await nic.getByRole('button', { name: 'Link down nic0' }).click();
  await expect(nic.getByTestId('hw-link')).toHaveText('link down');
  await nic.getByRole('button', { name: 'Link up nic0' }).click();
  await expect(nic.getByTestId('hw-link')).toHaveText('link up');

  await page
    .getByRole('region', { name: 'Network interfaces' })
    .getByRole('button', { name: 'Add NIC' })
    .click();
  const added = page.getByTestId('hw-nic').filter({ hasText: 'hpnic0' });
  await expect(added).toContainText('virtio-net-pci');
  await added.getByRole('button', { name: 'Unplug hpnic0' }).click();
  await expect(added).toHaveCount(0);
  await expect(page.getByRole('tab', { name: 'Hardware' })).toHaveAttribute('aria-selected', 'true');
});
