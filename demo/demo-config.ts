/**
 * The demo that `pnpm start` runs when given no config: an ordinary bridge config (managed VMs the bridge
 * launches itself), so the bridge has no demo special case. No VM needs a disk image.
 * The demo's VMs end with `pnpm start` (`stopVmsOnExit`), as a demo should; a real install keeps them running.
 * Its storage location (`demo`, in the demo's data dir) holds the demo guest's ISO, so "New VM" with that ISO
 * works on a fresh machine with no download.
 *
 * - "Demo guest (Linux)": the small Linux built by demo/guest/build.ts (hostname, serial and VGA shells, ACPI
 *   power button, DHCP, guest agent). Without that image, a VM with no operating system stands in for it.
 * - "Demo (paused before boot)": QEMU waiting in `prelaunch` for `cont`; Resume boots the same Linux (when built).
 *
 * Each gets a VNC display on loopback (the first free one from :0) and a serial port on a socket in its private
 * runtime dir (`{dir}`, filled in by the bridge, which also adds QMP and the guest agent's channel).
 */
import { copyFileSync, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { accelArgs, type DemoGuest, findDemoGuest } from './guest/cache.ts';
import { GUEST_KERNEL_ARGS_WITH_DISPLAY } from './kernel-args.ts';

export interface DemoVm {
  id: string;
  name: string;
  launch: { binary?: string; args: string[] };
}

export interface DemoStorage {
  id: string;
  path: string;
  content: ('disk' | 'iso' | 'backup' | 'dump')[];
}

export interface DemoConfig {
  vms: DemoVm[];
  stopVmsOnExit: true;
  storage: DemoStorage[];
  /** What the demo guest's build saw work here (a /dev/kvm that opens may still fail): for VMs made in the UI. */
  accelerators?: string[];
}

/** The name of the demo guest's ISO in the demo's storage location. */
export const DEMO_ISO_NAME = 'demo-guest.iso';

/** VNC on loopback only; `to=99` lets QEMU take the next free display so two VMs (or two bridges) never clash. */
const VNC_ARGS = ['-vnc', '127.0.0.1:0,to=99'];

/** The serial port on a unix socket for the consoles; `wait=off` so QEMU never waits for a reader. */
const SERIAL_ARGS = [
  '-chardev',
  'socket,id=serial0,path={dir}/serial.sock,server=on,wait=off',
  '-serial',
  'chardev:serial0',
];

/**
 * The VM paused before boot: QEMU waiting in `prelaunch` for `cont`. With the demo guest built, Resume boots it
 * (named qmpdeck-paused, so the two guests tell apart); without it there is only firmware to run.
 */
export function pausedVm(guest: DemoGuest | null = null): DemoVm {
  const machine = guest
    ? linuxArgs(guest, 'qmpdeck-paused')
    : ['-M', 'pc', '-nodefaults', '-vga', 'std', '-m', '64'];
  return {
    id: 'demo',
    name: 'Demo (paused before boot)',
    launch: { args: [...machine, '-S', ...VNC_ARGS, ...SERIAL_ARGS] },
  };
}

/** The demo guest's machine: booted straight from its kernel and initramfs, a virtio NIC on user networking. */
function linuxArgs(guest: DemoGuest, hostname?: string): string[] {
  // The last console= becomes /dev/console: ttyS0 last, so the boot messages and shell reach the serial port.
  const append = [...GUEST_KERNEL_ARGS_WITH_DISPLAY, ...(hostname ? [`qmpdeck.hostname=${hostname}`] : [])];
  return [
    ...['-M', 'pc', '-m', '128', '-nodefaults', '-vga', 'std', ...accelArgs(guest)],
    ...['-kernel', guest.kernel, '-initrd', guest.initrd, '-append', append.join(' ')],
    ...['-netdev', 'user,id=net0', '-device', 'virtio-net-pci,netdev=net0'],
  ];
}

/** The demo guest, running from the start. */
export function guestVm(guest: DemoGuest): DemoVm {
  return {
    id: 'demo-guest',
    name: 'Demo guest (Linux)',
    launch: { args: [...linuxArgs(guest), ...VNC_ARGS, ...SERIAL_ARGS] },
  };
}

/** Stands in for the demo guest where it could not be built: a running VM whose firmware finds nothing to boot. */
export function noOsVm(): DemoVm {
  return {
    id: 'demo-guest',
    name: 'Demo (no operating system)',
    launch: {
      args: ['-M', 'pc', '-nodefaults', '-vga', 'std', '-m', '64', ...VNC_ARGS, ...SERIAL_ARGS],
    },
  };
}

/** The demo config for a machine with QEMU installed. */
export function buildDemoConfig(
  guest: DemoGuest | null = findDemoGuest(),
  storagePath: string | null = null,
): DemoConfig {
  // The paused VM first: "open the demo VM, press Resume" is the first thing a newcomer tries, and it only
  // means something on a VM that is not already running.
  return {
    vms: [pausedVm(guest), guest ? guestVm(guest) : noOsVm()],
    stopVmsOnExit: true,
    storage:
      storagePath === null
        ? []
        : [{ id: 'demo', path: storagePath, content: ['disk', 'iso', 'backup', 'dump'] }],
    ...(guest && guest.accelerators.length > 0 ? { accelerators: [...guest.accelerators] } : {}),
  };
}

/**
 * Fills the demo's storage location: the directory, and a copy of the demo guest's ISO when it was built (copied
 * again when the cached one changed, by size and time). Answers whether the ISO is there.
 */
export function prepareDemoStorage(path: string, guest: DemoGuest | null = findDemoGuest()): boolean {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  const target = join(path, DEMO_ISO_NAME);
  if (guest?.iso == null) return existsSync(target);
  const source = statSync(guest.iso);
  const copy = existsSync(target) ? statSync(target) : null;
  if (copy === null || copy.size !== source.size || copy.mtimeMs < source.mtimeMs) {
    // A copy, not a link: the user may delete it from the dashboard without touching the cache.
    const temp = join(path, `.${DEMO_ISO_NAME}.partial`);
    copyFileSync(guest.iso, temp);
    renameSync(temp, target);
  }
  return true;
}
