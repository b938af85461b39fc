/**
 * A QEMU whose monitor hangs, for real: the test freezes the QEMU process
 * (SIGSTOP), so commands reach its socket and wait. The page must still offer
 * Kill (it does not go through the monitor), say what is waiting and for how
 * long, keep many waiting commands to one line, and let the Info tab recover
 * by itself once QEMU answers again.
 */
import { type RunningQemu, startQemu } from '../fixtures/qemu.ts';
import { expect, managedVm, test } from '../fixtures/test.ts';
import { execute } from '../helpers/bridge-api.ts';
import { isAlive, managedPid, whileFrozen } from '../helpers/qemu-process.ts';
import { openTab, openVm, statusBadge } from '../helpers/vm-page.ts';

test.describe('a managed VM whose monitor hangs', () => {
  test.use({ vms: [managedVm('alpha', 'Alpha')] });

  test('Kill stays offered while QEMU has not answered, the page says what waits, and Kill ends it', async ({
    page,
    bridge,
  }) => {
    await openVm(page, 'Alpha');
    await page.getByRole('button', { name: 'Resume', exact: true }).click();
    await expect(statusBadge(page)).toHaveText('running');
    const pid = await managedPid(bridge.url, 'alpha');

    await whileFrozen(pid, async () => {
      await page.getByRole('button', { name: 'Pause', exact: true }).click();
      const waiting = page.getByTestId('inflight-summary');
      await expect(waiting).toContainText('QEMU has not answered `stop` for');
      // The age grows while nobody answers: it is a live account, not a snapshot.
      await expect(waiting).toContainText(/for [2-9]\.\d s/);
      await expect(page.getByTestId('action-result')).toHaveText('Pause: sending…');
      const kill = page.getByRole('button', { name: 'Kill', exact: true });
      await expect(kill).toBeEnabled();
      await kill.click();
      await page
        .getByRole('dialog', { name: 'Kill QEMU?' })
        .getByRole('button', { name: 'Kill QEMU' })
        .click();
      await expect.poll(() => isAlive(pid)).toBe(false);
    });
    // The waiting command ends with its connection, and the line says nothing waits any more.
    await expect(page.getByRole('region', { name: 'In flight' })).toContainText('No command is waiting');
    await expect(page.getByRole('button', { name: 'Start', exact: true })).toBeEnabled();
  });
});

test.describe('a VM of the config whose QEMU the test started', () => {
  let qemu: RunningQemu;
  test.use({
    vms: async ({ workDir }, use) => {
      qemu = await startQemu(workDir.path, 'alpha', ['-smp', '2']);
      await use([{ id: 'alpha', name: 'Alpha', qmp: { socket: qemu.socket } }]);
      await qemu.kill();
    },
  });

  test('63 commands waiting read as one line and open to a bounded list; the timeline stays on screen', async ({
    page,
    bridge,
  }) => {
    await openVm(page, 'Alpha');
    await expect(statusBadge(page)).toHaveText('prelaunch');
    await whileFrozen(qemu.pid, async () => {
      const answers = Array.from({ length: 63 }, () => execute(bridge.url, 'alpha', 'query-status'));
      const line = page.getByRole('region', { name: 'In flight' });
      await expect(line).toContainText('In flight (63)');
      await expect(line).toContainText('63 × query-status');
      await expect(page.getByTestId('inflight-summary')).toContainText(
        'QEMU has not answered `query-status`',
      );
      const viewport = page.viewportSize()?.height ?? 720;
      const timelineTop = async () =>
        (await page.getByTestId('timeline-scroll').boundingBox())?.y ?? viewport;
      expect(await timelineTop()).toBeLessThan(viewport / 2);

      await page.getByRole('button', { name: 'Show all 63' }).click();
      await expect(line.getByRole('listitem')).toHaveCount(63);
      const list = await line.getByRole('list').boundingBox();
      expect(list?.height ?? 0).toBeLessThanOrEqual(140);
      // Open, the list scrolls in its own box: most of the timeline is still there under it.
      expect(await timelineTop()).toBeLessThan(viewport - 200);
      await page.getByRole('button', { name: 'Hide list' }).click();
      // QEMU answers all of them once it runs again (after this block).
      void Promise.all(answers);
    });
    await expect(page.getByRole('region', { name: 'In flight' })).toContainText('No command is waiting', {
      timeout: 20_000,
    });
  });

  test('the Info tab drops a timeout once QEMU answers again, by itself', async ({ page }) => {
    await openVm(page, 'Alpha');
    await openTab(page, 'Info');
    const cpus = page.getByRole('region', { name: 'CPUs' });
    await expect(cpus).toContainText('CPU 1');
    // A refresh while QEMU is frozen (a tray event would do; a reload asks everything again).
    await whileFrozen(qemu.pid, async () => {
      await page.reload();
      // Queries time out after 5 s (the bridge's `query` class).
      await expect(cpus).toContainText('Timeout', { timeout: 15_000 });
      await expect(cpus.getByRole('button', { name: 'Retry' })).toBeVisible();
      await expect(cpus).toContainText('Retrying by itself');
    });
    await expect(cpus).toContainText('CPU 1', { timeout: 20_000 });
    await expect(cpus).not.toContainText('Timeout');
    await expect(page.getByRole('region', { name: 'Memory' })).toContainText('64 MiB');
  });
});
