/**
 * Uploads through the browser into a storage location: a 200 MB ISO made by the test goes up with a progress
 * bar that moves, arrives byte for byte (sha256), and the bridge's memory stays flat while it streams (its
 * VmRSS read from /proc before, during and after; the figures are printed and only a generous bound is
 * asserted). A name with "../" is refused in the page before anything is sent, and by the bridge when sent
 * anyway; a file over the bridge's limit is refused with its error shown; neither leaves a file behind.
 */
import { join } from 'node:path';
import { expect, test } from '../fixtures/test.ts';
import { pidListeningOn, rssKiB } from '../helpers/process-memory.ts';
import { localStorage, makeRandomFile, sha256File, storedNames } from '../helpers/storage.ts';

const MB = 1_000_000;
const MiB = 1024 * 1024;

test.use({
  vms: [],
  bridgeConfig: async ({ workDir }, use) => {
    await use({ storage: [localStorage(workDir.path)], uploads: { maxBytes: 256 * MiB } });
  },
});

/** Opens the storage page's upload panel of the location `local` and chooses a file. */
async function chooseUpload(page: import('@playwright/test').Page, file: string) {
  await page.goto('/storage');
  const location = page.getByRole('region', { name: 'local' });
  await location.getByRole('button', { name: 'Upload…' }).click();
  await location.getByLabel('File').setInputFiles(file);
  return location;
}

test('a 200 MB ISO goes up with a moving progress bar, byte-identical, the bridge memory flat', async ({
  page,
  bridge,
  workDir,
}) => {
  test.setTimeout(120_000);
  const file = join(workDir.path, 'big.iso');
  makeRandomFile(file, 200 * MB);
  const expected = await sha256File(file);
  const bridgePid = pidListeningOn(bridge.port);

  const location = await chooseUpload(page, file);
  await expect(location.getByLabel('Save as')).toHaveValue('big.iso');
  // A first small upload, so the figures compare a bridge that has served one (its code loaded, its buffers
  // made) with itself, not with a bridge that never received a body.
  const warm = await page.evaluate(async () => {
    const response = await fetch('/api/storage/local/files/warm-up.bin', {
      method: 'PUT',
      body: new Uint8Array(8 * 1024 * 1024),
    });
    return response.status;
  });
  expect(warm).toBeLessThan(300);
  // Every value the bar takes, recorded in the page as it changes (polling from here could miss them all).
  await page.evaluate(() => {
    const seen: number[] = [];
    (window as unknown as { progressSeen: number[] }).progressSeen = seen;
    new MutationObserver(() => {
      const bar = document.querySelector('[data-testid="upload-progress"] [role="progressbar"]');
      const value = bar?.getAttribute('aria-valuenow');
      if (value !== null && value !== undefined && seen[seen.length - 1] !== Number(value))
        seen.push(Number(value));
    }).observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ['aria-valuenow'],
    });
  });

  const before = rssKiB(bridgePid);
  let peak = before;
  let uploading = true;
  const sampler = (async () => {
    while (uploading) {
      peak = Math.max(peak, rssKiB(bridgePid));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  await location.getByRole('button', { name: 'Upload', exact: true }).click();
  await expect(location.getByText('Uploaded big.iso to local')).toBeVisible({ timeout: 90_000 });
  uploading = false;
  await sampler;
  const after = rssKiB(bridgePid);

  const seen = await page.evaluate(() => (window as unknown as { progressSeen: number[] }).progressSeen);
  console.log(
    `upload of 200 MB: bridge VmRSS before ${before} KiB, peak during ${peak} KiB, after ${after} KiB; progress values seen: ${seen.join(', ')}`,
  );
  test.info().annotations.push({
    type: 'bridge VmRSS KiB',
    description: `before ${before}, peak ${peak}, after ${after}`,
  });
  // The bar moved: it showed values between the start and the end, never going back.
  expect(seen.some((value) => value > 0 && value < 100)).toBe(true);
  expect(seen).toEqual([...seen].sort((a, b) => a - b));
  // Streamed, not held: the bridge grew by far less than the file (a generous bound, not a measurement).
  expect(peak - before).toBeLessThan(64 * 1024);

  expect(await sha256File(join(workDir.path, 'images', 'big.iso'))).toBe(expected);
  await expect(location.getByTestId('storage-file').filter({ hasText: 'big.iso' })).toBeVisible();
});

test('a name with "../" is refused, in the page and by the bridge, leaving nothing', async ({
  page,
  workDir,
}) => {
  const file = join(workDir.path, 'small.iso');
  makeRandomFile(file, MiB);
  const location = await chooseUpload(page, file);
  await location.getByLabel('Save as').fill('../escape.iso');
  await location.getByRole('button', { name: 'Upload', exact: true }).click();
  await expect(location.getByRole('alert')).toContainText('is not a plain file name');

  // Sent anyway (as a script could): the bridge refuses it with a clear error.
  const answer = await page.evaluate(async () => {
    const response = await fetch('/api/storage/local/files/..%2Fescape.iso', {
      method: 'PUT',
      body: 'x'.repeat(1024),
    });
    return {
      status: response.status,
      body: (await response.json()) as { error: { class: string; desc: string } },
    };
  });
  expect(answer.status).toBe(400);
  expect(answer.body.error.class).toBe('BadRequest');
  expect(storedNames(localStorage(workDir.path))).toEqual([]);
  expect(storedNames({ id: 'dir', path: workDir.path, content: [] })).not.toContain('escape.iso');
});

test.describe('over the upload limit', () => {
  test.use({
    bridgeConfig: async ({ workDir }, use) => {
      await use({ storage: [localStorage(workDir.path)], uploads: { maxBytes: MiB } });
    },
  });

  test('is refused with the error shown and leaves no partial file', async ({ page, workDir }) => {
    const file = join(workDir.path, 'large.iso');
    makeRandomFile(file, 8 * MiB);
    const location = await chooseUpload(page, file);
    await location.getByRole('button', { name: 'Upload', exact: true }).click();
    const alert = location.getByRole('alert');
    await expect(alert).toContainText('Upload refused');
    await expect(alert).toContainText('PayloadTooLarge');
    expect(storedNames(localStorage(workDir.path))).toEqual([]);
  });
});
