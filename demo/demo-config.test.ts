import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildDemoConfig, DEMO_ISO_NAME, type DemoVm, prepareDemoStorage } from './demo-config.ts';
import { findDemoGuest } from './guest/cache.ts';

const fakeGuest = {
  kernel: '/cache/vmlinuz',
  initrd: '/cache/initrd.img',
  iso: null,
  accelerators: ['kvm', 'tcg'],
};

describe('buildDemoConfig', () => {
  it('has the demo guest and the paused VM, each with loopback VNC and a serial socket in {dir}', () => {
    const { vms } = buildDemoConfig(fakeGuest);
    expect(vms.map((vm) => vm.name)).toEqual(['Demo (paused before boot)', 'Demo guest (Linux)']);
    for (const vm of vms) {
      expect(vm.launch.args).toContain('127.0.0.1:0,to=99');
      expect(vm.launch.args.some((arg) => arg.includes('path={dir}/serial.sock'))).toBe(true);
    }
    const guestArgs = vms[1]?.launch.args ?? [];
    expect(guestArgs.join(' ')).toContain(
      '-accel kvm -accel tcg -kernel /cache/vmlinuz -initrd /cache/initrd.img',
    );
    expect(vms[0]?.launch.args).toContain('-S');
    expect(vms[0]?.launch.args.join(' ')).toContain('-kernel /cache/vmlinuz');
    expect(vms[0]?.launch.args.join(' ')).toContain('qmpdeck.hostname=qmpdeck-paused');
  });

  it('falls back to a VM without an operating system when the guest is not built', () => {
    const { vms } = buildDemoConfig(null);
    expect(vms.map((vm) => vm.name)).toEqual(['Demo (paused before boot)', 'Demo (no operating system)']);
    expect(vms[0]?.launch.args).not.toContain('-kernel');
  });

  it('stops its VMs with the bridge and offers a storage location for disks and ISOs', () => {
    const config = buildDemoConfig(fakeGuest, '/data/storage');
    expect(config.stopVmsOnExit).toBe(true);
    expect(config.storage).toEqual([
      { id: 'demo', path: '/data/storage', content: ['disk', 'iso', 'backup', 'dump'] },
    ]);
    expect(buildDemoConfig(fakeGuest).storage).toEqual([]);
    expect(config.accelerators).toEqual(['kvm', 'tcg']);
    expect(buildDemoConfig({ ...fakeGuest, accelerators: ['tcg'] }).accelerators).toEqual(['tcg']);
  });

  it("copies the demo guest's ISO into its storage, again when the cached one changed", () => {
    const dir = mkdtempSync(join(tmpdir(), 'qmpdeck-demo-storage-'));
    try {
      const iso = join(dir, 'cache.iso');
      writeFileSync(iso, 'first');
      const storage = join(dir, 'storage');
      expect(prepareDemoStorage(storage, { ...fakeGuest, iso })).toBe(true);
      expect(readFileSync(join(storage, DEMO_ISO_NAME), 'utf8')).toBe('first');
      writeFileSync(iso, 'second build');
      prepareDemoStorage(storage, { ...fakeGuest, iso });
      expect(readFileSync(join(storage, DEMO_ISO_NAME), 'utf8')).toBe('second build');
      expect(prepareDemoStorage(join(dir, 'empty'), fakeGuest)).toBe(false);
      expect(existsSync(join(dir, 'empty'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** What the bridge does with a managed VM's args: fill in {dir}, add QMP. */
function launch(vm: DemoVm, dir: string): ChildProcess {
  const args = vm.launch.args.map((arg) => arg.replaceAll('{dir}', dir));
  return spawn('qemu-system-x86_64', [...args, '-qmp', `unix:${dir}/qmp.sock,server=on,wait=off`], {
    stdio: 'ignore',
  });
}

async function waitForFile(path: string): Promise<void> {
  for (let i = 0; i < 200 && !existsSync(path); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  if (!existsSync(path)) throw new Error(`${path} never appeared`);
}

/** One QMP command on a fresh connection; QEMU writes one JSON object per line. */
async function qmp(socket: string, command: string): Promise<unknown> {
  const connection = createConnection(socket);
  const lines: unknown[] = [];
  let buffered = '';
  const waiters: (() => void)[] = [];
  connection.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    let newline = buffered.indexOf('\n');
    while (newline >= 0) {
      lines.push(JSON.parse(buffered.slice(0, newline)));
      buffered = buffered.slice(newline + 1);
      newline = buffered.indexOf('\n');
    }
    for (const wake of waiters.splice(0)) wake();
  });
  const nextReturn = async (): Promise<unknown> => {
    for (;;) {
      const line = lines.shift() as Record<string, unknown> | undefined;
      if (line && ('return' in line || 'error' in line)) return line;
      if (!line) await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  connection.write('{"execute":"qmp_capabilities"}\n');
  await nextReturn();
  connection.write(`{"execute":"${command}"}\n`);
  const reply = await nextReturn();
  connection.end();
  return reply;
}

describe('the demo VMs under real QEMU', () => {
  const started: { child: ChildProcess; dir: string }[] = [];
  afterEach(async () => {
    for (const { child, dir } of started.splice(0)) {
      child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('start with their VNC displays on loopback and the paused one in prelaunch', async () => {
    for (const vm of buildDemoConfig(findDemoGuest()).vms) {
      const dir = await mkdtemp(join(tmpdir(), 'qmpdeck-demo-'));
      started.push({ child: launch(vm, dir), dir });
      await waitForFile(join(dir, 'qmp.sock'));
      const vnc = (await qmp(join(dir, 'qmp.sock'), 'query-vnc')) as {
        return: { enabled: boolean; host: string };
      };
      expect(vnc.return).toMatchObject({ enabled: true, host: '127.0.0.1' });
      expect(existsSync(join(dir, 'serial.sock'))).toBe(true);
      const status = (await qmp(join(dir, 'qmp.sock'), 'query-status')) as { return: { status: string } };
      expect(status.return.status).toBe(vm.id === 'demo' ? 'prelaunch' : 'running');
    }
  });
});
