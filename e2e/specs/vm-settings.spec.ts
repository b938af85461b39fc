/**
 * The Settings tab of a VM the bridge defined, against the real bridge and QEMU: a stopped VM takes any change
 * (saved to its definition); a running one locks what needs a restart, with the reason, and changes its CD-ROM
 * media live (QEMU's own block list shows the new medium). A VM whose QEMU refuses its argv shows QEMU's own
 * words on its page.
 */
import { expect, test } from '../fixtures/test.ts';
import { createVm, execute } from '../helpers/bridge-api.ts';
import { localStorage, makeRandomFile } from '../helpers/storage.ts';
import { openVm, statusBadge } from '../helpers/vm-page.ts';

test.use({
  vms: [],
  bridgeConfig: async ({ workDir }, use) => {
    const storage = localStorage(workDir.path);
    // Media for the CD-ROM drive: any raw file will do, QEMU only opens it.
    makeRandomFile(`${storage.path}/tools.iso`, 1024 * 1024);
    // No guest runs here (no bootable disk): TCG is enough and works wherever QEMU does.
    await use({ storage: [storage], accelerators: ['tcg'] });
  },
});

interface BlockInfo {
  device: string;
  qdev?: string;
  inserted?: { file: string };
}

test('a stopped VM takes any change; a running one only live ones, its CD-ROM media changed in QEMU', async ({
  page,
  bridge,
}) => {
  await createVm(bridge.url, {
    id: 'box',
    name: 'Box',
    disks: [{ size: '64M' }],
    cdroms: [{}],
    display: 'none',
  });
  await openVm(page, 'Box');
  await page.getByRole('tab', { name: 'Settings' }).click();
  const memory = page.getByLabel('Memory (MiB)');
  await expect(memory).toHaveValue('512');
  await memory.fill('256');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();
  const saved = (await (await fetch(`${bridge.url}/api/vms/box/definition`)).json()) as { memoryMiB: number };
  expect(saved.memoryMiB).toBe(256);

  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(statusBadge(page)).toHaveText('running', { timeout: 30_000 });
  await expect(memory).toBeDisabled();
  await expect(memory).toHaveAttribute('title', 'Stop the VM to change this');
  const drive = page.getByLabel('Drive 1');
  await expect(drive).toBeEnabled();
  await drive.selectOption('local:tools.iso');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();
  // QEMU itself has the medium now, not only the definition.
  const blocks = (await execute(bridge.url, 'box', 'query-block')).body as { return: BlockInfo[] };
  const cdrom = blocks.return.find(
    (block) => block.qdev?.includes('cdrom0') || block.device.includes('cdrom0'),
  );
  expect(cdrom?.inserted?.file).toMatch(/tools\.iso$/);
});

test("a VM whose QEMU refuses its arguments shows QEMU's own words", async ({ page, bridge }) => {
  await createVm(bridge.url, { id: 'bad', name: 'Bad', extraArgs: ['-no-such-option'], display: 'none' });
  await openVm(page, 'Bad');
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(page.getByTestId('vm-message')).toContainText('-no-such-option: invalid option');
});
