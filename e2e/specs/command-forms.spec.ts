/**
 * The generated forms send only what the person chose, against a real QEMU:
 * a required boolean waits for an explicit choice, blockdev-add's nested `file`
 * gets a form of its own (and no optional member nobody set goes out),
 * device_add takes its driver's properties, and a monitor's text output reads
 * as text.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, managedVm, test } from '../fixtures/test.ts';
import { openTab, openVm } from '../helpers/vm-page.ts';

const NIC = ['-netdev', 'user,id=net0', '-device', 'e1000,netdev=net0,id=nic0'];
test.use({ vms: [managedVm('alpha', 'Alpha', NIC)] });

const sentJson = async (page: import('@playwright/test').Page) =>
  JSON.parse((await page.getByTestId('qmp-sent').textContent()) ?? '{}');

test('set_link with only a name is not sent until up is chosen', async ({ page }) => {
  await openVm(page, 'Alpha');
  await openTab(page, 'Commands');
  await page.getByLabel('Command').fill('set_link');
  const form = page.getByRole('form', { name: 'Arguments of set_link' });
  await form.getByLabel('name', { exact: true }).fill('nic0');
  await form.getByRole('button', { name: 'Execute' }).click();
  await expect(form.getByRole('alert')).toContainText('up needs a choice: true or false');
  await expect(page.getByTestId('qmp-sent')).toHaveCount(0);

  await form.getByLabel('up', { exact: true }).selectOption('true');
  await form.getByRole('button', { name: 'Execute' }).click();
  expect(await sentJson(page)).toEqual({ execute: 'set_link', arguments: { name: 'nic0', up: true } });
  await expect(page.getByTestId('qmp-return')).toHaveText('{}');
});

test("blockdev-add's file is a form of its own, and no optional member nobody set is sent", async ({
  page,
  workDir,
}) => {
  const image = join(workDir.path, 'disk.qcow2');
  execFileSync('qemu-img', ['create', '-f', 'qcow2', image, '1M'], { stdio: 'ignore' });
  await openVm(page, 'Alpha');
  await openTab(page, 'Commands');
  await page.getByLabel('Command').fill('blockdev-add');
  const form = page.getByRole('form', { name: 'Arguments of blockdev-add' });
  await form.getByLabel('driver', { exact: true }).selectOption('qcow2');
  await form.getByLabel('node-name', { exact: true }).fill('disk0');
  const typeOfFile = form.getByLabel('type of file', { exact: true });
  // A reference by name first: no form of forty drivers before anyone asks for it.
  await expect(typeOfFile).toHaveValue('1');
  await typeOfFile.selectOption({ label: 'define it here (object)' });
  const file = form.getByRole('group', { name: /^file/ });
  await file.getByLabel('driver', { exact: true }).selectOption('file');
  await file.getByLabel('filename', { exact: true }).fill(image);
  await form.getByRole('button', { name: 'Execute' }).click();

  expect(await sentJson(page)).toEqual({
    execute: 'blockdev-add',
    arguments: { driver: 'qcow2', 'node-name': 'disk0', file: { driver: 'file', filename: image } },
  });
  await expect(page.getByTestId('qmp-return')).toHaveText('{}');
  await page.getByLabel('Command').fill('query-named-block-nodes');
  await page.getByRole('button', { name: 'Execute' }).click();
  await expect(page.getByTestId('qmp-return')).toContainText('"node-name": "disk0"');
});

test("device_add takes its driver's properties, and QEMU has them", async ({ page }) => {
  await openVm(page, 'Alpha');
  await openTab(page, 'Commands');
  await page.getByLabel('Command').fill('device_add');
  const form = page.getByRole('form', { name: 'Arguments of device_add' });
  await form.getByLabel('driver', { exact: true }).fill('e1000');
  await form.getByLabel('id', { exact: true }).fill('nic1');
  await form.getByRole('button', { name: 'Add a property' }).click();
  await form.getByLabel('property 1 name').fill('mac');
  await form.getByLabel('property 1 value').fill('52:54:00:12:34:99');
  await form.getByRole('button', { name: 'Execute' }).click();
  expect(await sentJson(page)).toEqual({
    execute: 'device_add',
    arguments: { driver: 'e1000', id: 'nic1', mac: '52:54:00:12:34:99' },
  });
  await expect(page.getByTestId('qmp-return')).toHaveText('{}');

  await page.getByLabel('Command').fill('qom-get');
  const get = page.getByRole('form', { name: 'Arguments of qom-get' });
  await get.getByLabel('path', { exact: true }).fill('/machine/peripheral/nic1');
  await get.getByLabel('property', { exact: true }).fill('mac');
  await get.getByRole('button', { name: 'Execute' }).click();
  await expect(page.getByTestId('qmp-return')).toHaveText('"52:54:00:12:34:99"');
});

test("human-monitor-command's output reads as text with its line breaks", async ({ page }) => {
  await openVm(page, 'Alpha');
  await openTab(page, 'Commands');
  await page.getByLabel('Command').fill('human-monitor-command');
  const form = page.getByRole('form', { name: 'Arguments of human-monitor-command' });
  await form.getByLabel('command-line', { exact: true }).fill('info network');
  await form.getByRole('button', { name: 'Execute' }).click();
  const output = page.getByTestId('qmp-return');
  await expect(output).toContainText('nic0');
  // biome-ignore lint/performance/useDomNodeTextContent: the text as rendered, line breaks and all, is the point
  const text = await output.innerText();
  expect(text.split('\n').length).toBeGreaterThan(1);
  expect(text).not.toContain('\\r\\n');
  expect(text.startsWith('"')).toBe(false);
});
