/**
 * The in-flight panel: a command QEMU has not answered yet shows who sent it,
 * how long it has run and when it times out, live, and leaves when answered.
 * `screendump` into a FIFO nobody reads keeps QEMU busy until the test reads it.
 */
import { execFileSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { expect, managedVm, test } from '../fixtures/test.ts';
import { execute } from '../helpers/bridge-api.ts';
import { openTab, openVm } from '../helpers/vm-page.ts';

test.use({ vms: [managedVm('alpha', 'Alpha', ['-vga', 'std'])] });

test('a command waiting for QEMU is shown live until it is answered', async ({ page, bridge, workDir }) => {
  const fifo = join(workDir.path, 'screen.fifo');
  execFileSync('mkfifo', [fifo]);
  // On the page as it opens (the Timeline tab), not only on Info.
  await openVm(page, 'Alpha');
  const panel = page.getByRole('region', { name: 'In flight' });
  await expect(panel).toContainText('No command is waiting');

  const answered = execute(bridge.url, 'alpha', 'screendump', { filename: fifo });
  await expect(panel).toContainText('In flight (1)');
  await expect(panel).toContainText('screendump');
  await expect(panel).toContainText('http');
  await expect(panel).toContainText(/times out in \d+\.\d s/);
  const elapsed = async () => Number(/([\d.]+) s ·/.exec((await panel.textContent()) ?? '')?.[1] ?? 0);
  const first = await elapsed();
  await expect.poll(elapsed).toBeGreaterThan(first);

  // Reading the FIFO lets QEMU write the picture and answer.
  const reader = createReadStream(fifo);
  reader.resume();
  expect((await answered).status).toBe(200);
  await expect(panel).toContainText('No command is waiting');
  reader.destroy();
  // The same panel goes along to every tab.
  await openTab(page, 'Info');
  await expect(panel).toContainText('In flight (0)');
  await expect(page.getByRole('region', { name: 'In flight' })).toHaveCount(1);
});
