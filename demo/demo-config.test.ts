import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildDemoConfig, DEMO_ISO_NAME, type DemoVm, prepareDemoStorage } from './demo-config.ts';
import { findDemoGuest } from './guest/cache.ts';
import { connectQmp } from './testing/guest-vm.ts';

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

/** What the bridge does with a managed VM's args: fill in {dir}, add QMP. Its stderr is kept to say why it failed. */
function launch(vm: DemoVm, dir: string): { child: ChildProcess; stderr: () => string } {
  const args = vm.launch.args.map((arg) => arg.replaceAll('{dir}', dir));
  const child = spawn('qemu-system-x86_64', [...args, '-qmp', `unix:${dir}/qmp.sock,server=on,wait=off`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  return { child, stderr: () => stderr };
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
      const { child, stderr } = launch(vm, dir);
      started.push({ child, dir });
      // The project's own client: a refused connect is retried, and a silent QEMU is a timeout that says so.
      const qmp = await connectQmp(join(dir, 'qmp.sock'), child, stderr);
      try {
        expect(await qmp.execute('query-vnc')).toMatchObject({ enabled: true, host: '127.0.0.1' });
        expect(existsSync(join(dir, 'serial.sock'))).toBe(true);
        const status = await qmp.execute('query-status');
        expect(status.status).toBe(vm.id === 'demo' ? 'prelaunch' : 'running');
      } finally {
        await qmp.close();
      }
    }
  });
});
