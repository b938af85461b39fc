/**
 * The VM's QMP endpoint as a person finds and uses it: the Info tab shows the qmp-shell command line, QEMU's own
 * qmp-shell run with it pauses the VM while the dashboard is open, and the timeline names that shell's connection
 * as the cause of the STOP.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findQemuPython, NOT_FETCHED_REASON, qemuPythonEnv } from '../../demo/qemu-python/cache.ts';
import { expect, test } from '../fixtures/test.ts';
import { openTab, openVm, statusBadge } from '../helpers/vm-page.ts';

const tools = findQemuPython();
test.skip(tools === null, NOT_FETCHED_REASON);

/** Types `input` into qmp-shell, as a person at a terminal would, and resolves with what it printed. */
function qmpShell(socket: string, input: string): Promise<string> {
  const home = mkdtempSync(join(tmpdir(), 'qmpdeck-e2e-shell-home-'));
  const found = tools as NonNullable<typeof tools>;
  const child = spawn('python3', [found.qmpShell, socket], {
    env: qemuPythonEnv(found, { ...process.env, HOME: home }),
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    out += text;
  });
  child.stdin.end(input);
  return new Promise((resolve) =>
    child.on('close', () => {
      rmSync(home, { recursive: true, force: true });
      resolve(out);
    }),
  );
}

test('the Info tab gives the qmp-shell line, and the shell it runs shows as the cause of its stop', async ({
  page,
}) => {
  await openVm(page, 'Alpha');
  await openTab(page, 'Info');
  const endpoint = page.getByRole('region', { name: 'QMP endpoint' });
  const line = endpoint.getByRole('textbox', { name: 'qmp-shell', exact: true });
  await expect(line).toHaveValue(/^qmp-shell \/.*\/alpha\.qmp$/);
  await expect(endpoint.getByRole('textbox', { name: 'socat' })).toHaveValue(
    /^socat - UNIX-CONNECT:\/.*\/alpha\.qmp$/,
  );
  const socket = (await line.inputValue()).replace(/^qmp-shell /, '');

  await openTab(page, 'Timeline');
  const printed = await qmpShell(socket, 'cont\nstop\n');
  expect(printed).toContain('{"return": {}}');
  await expect(statusBadge(page)).toContainText(/paused/i);
  const stop = page.getByTestId('timeline-event').filter({ hasText: 'STOP' }).first();
  await expect(stop).toContainText(/after `stop` from QMP proxy client qmp-proxy-\d+/);
});
