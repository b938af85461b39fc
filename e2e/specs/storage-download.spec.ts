/**
 * Download from a URL by the bridge, from the storage page: the bridge answers with a job at once, its progress
 * comes over the socket into the panel's bar, and the file arrives byte for byte. The URL is served by the
 * test itself, a megabyte at a time with a pause between them, so the transfer is long enough to be seen.
 */
import { createReadStream, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { expect, test } from '../fixtures/test.ts';
import { localStorage, makeRandomFile, sha256File, storedNames } from '../helpers/storage.ts';

const MiB = 1024 * 1024;

/** Serves one file, throttled: a MiB, then a pause. */
function serveSlowly(file: string, pauseMs = 150): Promise<Server> {
  const server = createServer((request, response) => {
    response.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': String(statSync(file).size),
    });
    const stream = createReadStream(file, { highWaterMark: MiB });
    stream.on('data', (chunk) => {
      stream.pause();
      response.write(chunk, () => setTimeout(() => stream.resume(), pauseMs));
    });
    stream.on('end', () => response.end());
    request.on('close', () => stream.destroy());
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

test.use({
  vms: [],
  bridgeConfig: async ({ workDir }, use) => {
    await use({ storage: [localStorage(workDir.path)] });
  },
});

test('the bridge downloads a URL as a job whose progress the page shows, byte-identical', async ({
  page,
  workDir,
}) => {
  test.setTimeout(90_000);
  const source = join(workDir.path, 'served.iso');
  makeRandomFile(source, 16 * MiB);
  const expected = await sha256File(source);
  const server = await serveSlowly(source);
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/media/tools-1.0.iso`;
    await page.goto('/storage');
    const location = page.getByRole('region', { name: 'local' });
    await location.getByRole('button', { name: 'Download from URL…' }).click();
    await location.getByLabel('URL').fill(url);
    // The name comes from the URL.
    await expect(location.getByLabel('Save as')).toHaveValue('tools-1.0.iso');
    await page.evaluate(() => {
      const seen: number[] = [];
      (window as unknown as { progressSeen: number[] }).progressSeen = seen;
      new MutationObserver(() => {
        const bar = document.querySelector('[data-testid="job-progress"] [role="progressbar"]');
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
    await location.getByRole('button', { name: 'Download', exact: true }).click();
    const job = location.getByTestId('job-progress');
    await expect(job).toBeVisible();
    await expect(job).toHaveAttribute('data-job-status', 'done', { timeout: 60_000 });
    const seen = await page.evaluate(() => (window as unknown as { progressSeen: number[] }).progressSeen);
    console.log(`download of 16 MiB: progress values seen: ${seen.join(', ')}`);
    expect(seen.some((value) => value > 0 && value < 100)).toBe(true);
    expect(await sha256File(join(workDir.path, 'images', 'tools-1.0.iso'))).toBe(expected);
    // The listing asks again when the job ends.
    await expect(location.getByTestId('storage-file').filter({ hasText: 'tools-1.0.iso' })).toBeVisible();
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

test('a download cancelled from its line ends cancelled and leaves no partial file', async ({
  page,
  workDir,
}) => {
  const source = join(workDir.path, 'served.iso');
  makeRandomFile(source, 64 * MiB);
  // Slow enough that it is still running when Cancel is pressed.
  const server = await serveSlowly(source, 1_000);
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/big.iso`;
    await page.goto('/storage');
    const location = page.getByRole('region', { name: 'local' });
    await location.getByRole('button', { name: 'Download from URL…' }).click();
    await location.getByLabel('URL').fill(url);
    await location.getByRole('button', { name: 'Download', exact: true }).click();
    const job = location.getByTestId('job-progress');
    await expect(job).toHaveAttribute('data-job-status', 'running');
    // The header's jobs indicator follows it too, and opens to the same line.
    const indicator = page.getByTestId('jobs-indicator');
    await expect(indicator).toHaveText(/1 job running/);
    await indicator.click();
    await expect(
      page.getByRole('region', { name: 'Running jobs' }).getByTestId('job-progress'),
    ).toBeVisible();
    await job.getByRole('button', { name: /^Cancel/ }).click();
    await expect(job).toHaveAttribute('data-job-status', 'cancelled', { timeout: 30_000 });
    await expect(indicator).toHaveCount(0);
    await expect(job).toContainText('cancelled');
    await expect.poll(() => storedNames(localStorage(workDir.path))).toEqual([]);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});
