/**
 * The Info tab reads QEMU's own answers and refreshes them on events; the QMP
 * console takes JSON or qmp-shell lines with history and completion.
 */
import { expect, managedVm, test } from '../fixtures/test.ts';
import { execute } from '../helpers/bridge-api.ts';
import { openTab, openVm } from '../helpers/vm-page.ts';

test.use({ vms: [managedVm('alpha', 'Alpha', ['-drive', 'if=ide,media=cdrom,id=cd0', '-smp', '2'])] });

test('info panel shows machine, CPUs, memory and devices, and follows a tray event', async ({
  page,
  bridge,
}) => {
  await openVm(page, 'Alpha');
  await openTab(page, 'Info');
  await expect(page).toHaveURL(/\/vms\/alpha\/info$/);
  await expect(page.getByRole('region', { name: 'Machine' })).toContainText('pc-i440fx');
  await expect(page.getByRole('region', { name: 'CPUs' })).toContainText('CPU 1');
  await expect(page.getByRole('region', { name: 'Memory' })).toContainText('64 MiB');
  const block = page.getByRole('region', { name: 'Block devices' });
  await expect(block).toContainText('tray closed');
  await expect(page.getByRole('region', { name: 'In flight' })).toContainText('No command is waiting');
  await expect(page.getByTestId('guest-panel')).toBeVisible();

  await execute(bridge.url, 'alpha', 'eject', { device: 'cd0' });
  await expect(block).toContainText('tray open');
});

test('console: qmp-shell and JSON input, errors, history and completion', async ({ page }) => {
  await openVm(page, 'Alpha');
  await openTab(page, 'QMP');
  const input = page.getByLabel('QMP command');
  const transcript = page.getByTestId('console-transcript');

  // Completion needs the VM's command names first.
  await expect(page.getByText(/\(\d+ commands\)/)).toBeVisible();
  await input.fill('query-sta');
  await input.press('Tab');
  // Several commands start so: the shared prefix, and the candidates shown.
  await expect(input).toHaveValue('query-stat');
  await expect(page.getByText('query-stats-schemas')).toBeVisible();
  await input.press('u');
  await input.press('Tab');
  await expect(input).toHaveValue('query-status ');
  await input.press('Enter');
  await expect(transcript).toContainText('"status": "prelaunch"');

  // A complete QMP message as pasted from the docs, its own id included.
  await input.fill('{"execute": "eject", "arguments": {"device": "nope"}, "id": "mine"}');
  await input.press('Enter');
  await expect(transcript).toContainText('"class": "DeviceNotFound"');

  await input.fill('eject device=cd0 force=true');
  await input.press('Enter');
  await expect(transcript).toContainText('"force": true');

  await input.press('ArrowUp');
  await expect(input).toHaveValue('eject device=cd0 force=true');
  await input.press('ArrowUp');
  await expect(input).toHaveValue('{"execute": "eject", "arguments": {"device": "nope"}, "id": "mine"}');
  await input.press('ArrowDown');
  await input.press('ArrowDown');
  await expect(input).toHaveValue('');

  await input.fill('eject device');
  await input.press('Enter');
  await expect(page.getByRole('alert')).toContainText('"device" is not key=value');
});
