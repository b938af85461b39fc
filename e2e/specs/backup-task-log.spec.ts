/**
 * A backup started from the dashboard, in Chromium against the real bridge and a real QEMU with a 256 MiB qcow2
 * disk made by qemu-img here: the operator presses "Back up now" (limited to 20 MiB/s, so it lasts long enough to
 * watch), the progress bar moves, the job ends Done in the VM's task log and in the all-VMs task log, the backup is
 * listed as hers, and the timeline shows the job's start and end caused by her.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, managedVm, test } from '../fixtures/test.ts';
import { signIn } from '../helpers/session.ts';
import { configUser, type SpecUser } from '../helpers/users.ts';

const ana: SpecUser = { name: 'ana', role: 'operator', password: 'ana-backs-things-up' };

test.use({
  // A fixture function that gives a function of the test's directory (a function given as is would be a fixture).
  // biome-ignore lint/correctness/noEmptyPattern: Playwright fixtures take their dependencies by destructuring
  vms: async ({}, use) =>
    use(async (dir: string) => {
      const disk = join(dir, 'alpha.qcow2');
      execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', disk, '256M']);
      return [
        managedVm('alpha', 'Alpha', [
          '-blockdev',
          `driver=qcow2,node-name=drvA,file.driver=file,file.filename=${disk}`,
          '-device',
          'virtio-blk-pci,drive=drvA,id=vblk0',
        ]),
      ];
    }),
  // Relative to the config file, which is written in the test's directory.
  bridgeConfig: {
    users: [configUser(ana)],
    storage: [{ id: 'backups', path: 'backups', content: ['backup'] }],
  },
});

test('a backup from the dashboard shows a moving progress bar and ends in the task log and timeline', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await signIn(page, ana);
  await page.getByRole('link', { name: 'Alpha' }).click();
  await page.getByRole('tab', { name: 'Tasks' }).click();
  await page.getByLabel('Speed limit').selectOption({ label: '20 MiB/s' });
  await page.getByRole('button', { name: 'Back up now' }).click();

  const bar = page.getByRole('progressbar').first();
  await expect(bar).toBeVisible();
  await expect
    .poll(async () => Number(await bar.getAttribute('aria-valuenow')), { timeout: 30_000 })
    .toBeGreaterThan(0);
  const first = Number(await bar.getAttribute('aria-valuenow'));
  await expect
    .poll(async () => Number((await bar.getAttribute('aria-valuenow')) ?? 101), { timeout: 30_000 })
    .toBeGreaterThan(first);
  await expect(page.getByText('Running').first()).toBeVisible();
  await expect(page.getByTestId('running-tasks')).toHaveText('1');

  const row = page.getByTestId('job-row').filter({ hasText: 'Backup of alpha' });
  await expect(row.getByTestId('job-status')).toHaveText('Done', { timeout: 60_000 });
  await expect(row).toContainText('by ana (backup.create)');
  await expect(page.getByTestId('backup-row')).toContainText('by ana');
  await expect(page.getByTestId('running-tasks')).toHaveCount(0);

  await page.getByRole('link', { name: 'Tasks', exact: true }).first().click();
  await expect(page).toHaveURL(/\/tasks$/);
  await expect(page.getByTestId('job-row').filter({ hasText: 'Backup of alpha' })).toContainText('Done');

  await page.goBack();
  await page.getByRole('tab', { name: 'Timeline' }).click();
  const timeline = page.getByTestId('timeline');
  await expect(timeline.getByText(/job \d+ \(backup\) done/)).toBeVisible();
  await expect(timeline.getByText(/job \d+ \(backup\) started/)).toBeVisible();
  await expect(
    timeline.getByText('after `backup.create` by ana via the Back up button').first(),
  ).toBeVisible();
});
