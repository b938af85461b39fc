/**
 * The README's start lines, run exactly as written: `pnpm start -- --config
 * FILE --host H --port N` serves only the VMs in FILE; `pnpm start -- --port N`
 * keeps the demo VM. No browser needed: the HTTP API tells what is served.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { freePort, type PnpmStart, pnpmStart } from '../fixtures/pnpm-start.ts';
import { type RunningQemu, startQemu } from '../fixtures/qemu.ts';
import { makeTempDir, type TempDir } from '../fixtures/temp-dir.ts';

let dir: TempDir;
let started: PnpmStart | undefined;
let qemu: RunningQemu | undefined;

test.beforeEach(() => {
  dir = makeTempDir();
});

test.afterEach(async () => {
  await started?.stop();
  await qemu?.kill();
  started = undefined;
  qemu = undefined;
  dir.remove();
});

test('pnpm start -- --config FILE --host H --port N serves the VMs of FILE and no demo', async ({
  request,
}) => {
  qemu = await startQemu(dir.path, 'alpha');
  const config = join(dir.path, 'config.json');
  writeFileSync(
    config,
    JSON.stringify({
      database: join(dir.path, 'events.db'),
      vms: [{ id: 'alpha', name: 'Alpha', qmp: { socket: qemu.socket } }],
    }),
  );
  const port = await freePort();
  started = await pnpmStart(['--config', config, '--host', '127.0.0.1', '--port', String(port)], {
    XDG_DATA_HOME: dir.path,
  });
  expect(started.output()).toContain(`listening on http://127.0.0.1:${port}`);

  const vms = await (await request.get(`${started.url}/api/vms`)).json();
  expect(vms.map((vm: { id: string }) => vm.id)).toEqual(['alpha']);
  await expect
    .poll(async () => (await (await request.get(`${started?.url}/api/vms/alpha`)).json()).status)
    .toBe('prelaunch');
});

test('pnpm start -- --port N keeps the demo VM', async ({ request }) => {
  const port = await freePort();
  started = await pnpmStart(['--port', String(port)], { XDG_DATA_HOME: dir.path });
  expect(started.url).toBe(`http://127.0.0.1:${port}`);
  await expect
    .poll(async () => {
      const vms = await (await request.get(`${started?.url}/api/vms`)).json();
      return vms.find((vm: { name: string }) => vm.name === 'Demo (paused before boot)')?.status ?? null;
    })
    .toBe('prelaunch');
});

test('pnpm start without QEMU serves the dashboard with no VMs and says how to install QEMU', async ({
  request,
}) => {
  // A PATH with node, pnpm and a shell but no qemu-system-x86_64, as on a machine without QEMU.
  const bin = join(dir.path, 'bin');
  mkdirSync(bin);
  for (const tool of ['node', 'pnpm', 'sh']) symlinkSync(`/usr/bin/${tool}`, join(bin, tool));
  const port = await freePort();
  started = await pnpmStart(['--port', String(port)], { XDG_DATA_HOME: dir.path, PATH: bin });
  expect(started.output()).toContain('qemu-system-x86_64 was not found');
  expect(started.output()).toContain('apt-get install -y qemu-system-x86');
  expect(await (await request.get(`${started.url}/api/vms`)).json()).toEqual([]);
  const page = await request.get(`${started.url}/`);
  expect(page.status()).toBe(200);
  expect(await page.text()).toContain('<div id="root">');
});

test('pnpm start -- -c FILE (the short flag) serves FILE, not the demo', async ({ request }) => {
  const config = join(dir.path, 'empty.json');
  writeFileSync(config, JSON.stringify({ database: join(dir.path, 'events.db'), vms: [] }));
  const port = await freePort();
  started = await pnpmStart(['-c', config, '--port', String(port)], { XDG_DATA_HOME: dir.path });
  expect(await (await request.get(`${started.url}/api/vms`)).json()).toEqual([]);
});
