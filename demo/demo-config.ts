/**
 * The demo that `pnpm start` runs when given no config: an ordinary bridge
 * config (managed VMs the bridge launches itself), so the bridge has no demo
 * special case. VMs need no disk image.
 */

export interface DemoVm {
  id: string;
  name: string;
  launch: { binary?: string; args: string[] };
}

export interface DemoConfig {
  vms: DemoVm[];
}

/** The VM paused before boot: QEMU with no OS, waiting in `prelaunch` for `cont`. */
export function pausedVm(): DemoVm {
  return {
    id: 'demo',
    name: 'Demo (paused before boot)',
    launch: {
      args: ['-M', 'pc', '-S', '-nodefaults', '-display', 'none', '-m', '64'],
    },
  };
}

/** The demo config for a machine with QEMU installed. */
export function buildDemoConfig(): DemoConfig {
  return { vms: [pausedVm()] };
}
