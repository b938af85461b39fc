/**
 * The Commands tab against a real QEMU: the picker lists this QEMU's commands,
 * the generated form handles an enum, a flat union and a nested object, shows
 * the exact QMP JSON sent, QEMU's errors, and re-runs from history.
 */
import { expect, managedVm, test } from '../fixtures/test.ts';
import { openTab, openVm } from '../helpers/vm-page.ts';

test.use({ vms: [managedVm('alpha', 'Alpha', ['-drive', 'if=ide,media=cdrom,id=cd0'])] });

test('a form with enum and nested arguments reaches QEMU', async ({ page }) => {
  await openVm(page, 'Alpha');
  await openTab(page, 'Commands');
  await expect(page).toHaveURL(/\/vms\/alpha\/commands$/);
  await page.getByLabel('Command').fill('blockdev-add');
  const form = page.getByRole('form', { name: 'Arguments of blockdev-add' });
  await form.getByLabel('driver', { exact: true }).selectOption('null-co');
  await form.getByLabel('node-name', { exact: true }).fill('scratch0');
  await form.getByLabel('read-zeroes', { exact: true }).selectOption('true');
  await form.getByLabel('include cache').check();
  await form.getByLabel('no-flush', { exact: true }).selectOption('true');
  await form.getByLabel('size', { exact: true }).fill('4096');
  await form.getByRole('button', { name: 'Execute' }).click();

  const sent = JSON.parse((await page.getByTestId('qmp-sent').textContent()) ?? '{}');
  expect(sent).toEqual({
    execute: 'blockdev-add',
    arguments: {
      driver: 'null-co',
      'node-name': 'scratch0',
      cache: { 'no-flush': true },
      'read-zeroes': true,
      size: 4096,
    },
  });
  await expect(page.getByTestId('qmp-return')).toHaveText('{}');

  await page.getByLabel('Command').fill('query-named-block-nodes');
  await page.getByRole('button', { name: 'Execute' }).click();
  await expect(page.getByTestId('qmp-return')).toContainText('"node-name": "scratch0"');
});

test('a field is checked before sending, and a QMP error is shown with its class', async ({ page }) => {
  await openVm(page, 'Alpha');
  await openTab(page, 'Commands');
  await page.getByLabel('Command').fill('balloon');
  await page.getByLabel('value', { exact: true }).fill('12x');
  await page.getByRole('button', { name: 'Execute' }).click();
  await expect(page.getByRole('alert')).toContainText('value must be a whole number');
  await expect(page.getByTestId('qmp-sent')).toHaveCount(0);

  await page.getByLabel('Command').fill('eject');
  await page.getByLabel('device', { exact: true }).fill('nope');
  await page.getByRole('button', { name: 'Execute' }).click();
  await expect(page.getByTestId('qmp-error')).toContainText('DeviceNotFound');
  await expect(page.getByTestId('qmp-error')).toContainText("Device 'nope' not found");

  await page.getByLabel('device', { exact: true }).fill('cd0');
  await page.getByRole('button', { name: 'Execute' }).click();
  await expect(page.getByTestId('qmp-return')).toHaveText('{}');

  // Re-running the failed command from history shows its error again.
  // Named by its visible text first ("Re-run"), then the command, as WCAG's label-in-name asks.
  await page.getByRole('button', { name: 'Re-run eject', exact: true }).last().click();
  await expect(page.getByTestId('qmp-error')).toContainText('DeviceNotFound');
});

test('the picker lists matches in the page: pick one by keyboard or by click', async ({ page }) => {
  await openVm(page, 'Alpha');
  await openTab(page, 'Commands');
  const picker = page.getByRole('combobox', { name: 'Command' });
  await picker.pressSequentially('query-stat');
  await expect(page.getByRole('option', { name: 'query-status' })).toBeVisible();
  await expect(page.getByText('3 commands match; pick one.')).toBeVisible();
  // Down to query-status (after query-stats and query-stats-schemas), then Enter.
  await picker.press('ArrowDown');
  await picker.press('ArrowDown');
  await picker.press('ArrowDown');
  await expect(page.getByRole('option', { selected: true })).toHaveText('query-status');
  await picker.press('Enter');
  await expect(picker).toHaveValue('query-status');
  await expect(page.getByRole('option')).toHaveCount(0);
  await page.getByRole('button', { name: 'Execute' }).click();
  await expect(page.getByTestId('qmp-return')).toContainText('"status": "prelaunch"');

  await picker.fill('');
  await picker.pressSequentially('qmp_capabil');
  await picker.press('Enter');
  await expect(picker).toHaveValue('qmp_capabilities');

  await picker.fill('query-named');
  await page.getByRole('option', { name: 'query-named-block-nodes' }).click();
  await expect(picker).toHaveValue('query-named-block-nodes');
  await expect(page.getByRole('form', { name: 'Arguments of query-named-block-nodes' })).toBeVisible();
});
