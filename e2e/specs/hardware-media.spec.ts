/**
 * Media and disks from the storage locations in the Hardware tab: an ISO inserted in the empty CD-ROM and changed
 * for another, picked by name from the location (the browser never names a path); a disk image hot-plugged and
 * unplugged (q35 with native PCIe hot-plug: no guest needed once the machine runs).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, managedVm, test } from '../fixtures/test.ts';
import { openTab, openVm } from '../helpers/vm-page.ts';

const storageDir = mkdtempSync(join(tmpdir(), 'qmpdeck-e2e-media-'));
const isos = join(storageDir, 'isos');
const disks = join(storageDir, 'disks');

test.beforeAll(() => {
  mkdirSync(isos, { recursive: true });
  mkdirSync(disks, { recursive: true });
  writeFileSync(join(isos, 'first.iso'), Buffer.alloc(1024 * 1024, 1));
  writeFileSync(join(isos, 'second.iso'), Buffer.alloc(1024 * 1024, 2));
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', join(disks, 'data.qcow2'), '16M']);
});
test.afterAll(() => rmSync(storageDir, { recursive: true, force: true }));

test.use({
  vms: [
    managedVm('alpha', 'Alpha', [
      ...['-M', 'q35', '-global', 'ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off'],
      ...['-device', 'pcie-root-port,id=rp1,chassis=1'],
      ...['-drive', 'if=none,id=cd0,media=cdrom', '-device', 'ide-cd,drive=cd0,bus=ide.0'],
    ]),
  ],
  bridgeConfig: {
    storage: [
      { id: 'isos', path: isos, content: ['iso'] },
      { id: 'disks', path: disks, content: ['disk'] },
    ],
  },
});

test('a CD-ROM gets an ISO from a storage location and another after it; a disk image is hot-plugged and unplugged', async ({
  page,
}) => {
  await openVm(page, 'Alpha');
  await openTab(page, 'Hardware');
  const drive = page.getByTestId('hw-drive').filter({ hasText: 'cd0' });
  await expect(drive.getByTestId('hw-medium')).toHaveText('no medium');

  await drive.getByRole('combobox', { name: 'Image for cd0' }).selectOption('isos:first.iso');
  await drive.getByRole('button', { name: 'Insert cd0' }).click();
  await expect(drive.getByTestId('hw-medium')).toHaveText(join(isos, 'first.iso'));
  await expect(drive.getByTestId('hw-tray')).toHaveText('tray closed');

  await drive.getByRole('combobox', { name: 'Image for cd0' }).selectOption('isos:second.iso');
  await drive.getByRole('button', { name: 'Change medium cd0' }).click();
  await expect(drive.getByTestId('hw-medium')).toHaveText(join(isos, 'second.iso'));

  // Native PCIe unplug completes once the machine runs.
  await page.getByRole('button', { name: 'Resume', exact: true }).click();
  const drives = page.getByRole('region', { name: 'Drives' });
  await drives.getByRole('combobox', { name: 'Disk image to add' }).selectOption('disks:data.qcow2');
  await drives.getByRole('button', { name: 'Add disk' }).click();
  const added = page.getByTestId('hw-drive').filter({ hasText: 'hpdisk0' });
  await expect(added).toContainText('disk · virtio-blk-pci');
  await expect(added.getByTestId('hw-medium')).toHaveText(join(disks, 'data.qcow2'));
  await added.getByRole('button', { name: 'Unplug hpdisk0' }).click();
  await expect(added).toHaveCount(0);
});
