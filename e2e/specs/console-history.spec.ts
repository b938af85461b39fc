/**
 * The QMP console against a real QEMU: `key=value` typed by the schema (a name
 * that looks like a number stays a name), a monitor's output shown as text,
 * and the transcript and typed lines still there after a reload.
 */
import { expect, managedVm, test } from '../fixtures/test.ts';
import { openTab, openVm } from '../helpers/vm-page.ts';

test.use({
  vms: [managedVm('alpha', 'Alpha', ['-netdev', 'user,id=net0', '-device', 'e1000,netdev=net0,id=nic0'])],
});

test('typed by the schema, monitor text as text, and all of it kept across a reload', async ({ page }) => {
  await openVm(page, 'Alpha');
  await openTab(page, 'QMP');
  const input = page.getByLabel('QMP command');
  const transcript = page.getByTestId('console-transcript');
  await expect(page.getByText(/\(\d+ commands\)/)).toBeVisible();

  // `name` is a string in the schema: "1" is looked up as a device name, not refused as a number.
  await input.fill('set_link name=1 up=true');
  await input.press('Enter');
  await expect(transcript).toContainText('"name": "1"');
  await expect(transcript).toContainText('"class": "DeviceNotFound"');

  await input.fill('human-monitor-command command-line="info network"');
  await input.press('Enter');
  const text = page.getByTestId('console-text');
  await expect(text).toContainText('nic0');
  // biome-ignore lint/performance/useDomNodeTextContent: the text as rendered, line breaks and all, is the point
  expect((await text.innerText()).split('\n').length).toBeGreaterThan(1);
  await expect(transcript).not.toContainText('\\r\\n');

  await page.reload();
  await expect(transcript).toContainText('"class": "DeviceNotFound"');
  await expect(page.getByTestId('console-text')).toContainText('nic0');
  await input.press('ArrowUp');
  await expect(input).toHaveValue('human-monitor-command command-line="info network"');
  await input.press('ArrowUp');
  await expect(input).toHaveValue('set_link name=1 up=true');
});
