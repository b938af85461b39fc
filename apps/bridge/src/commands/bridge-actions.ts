/**
 * What the bridge does itself for a command of target `bridge`. Each answers the VM object once done, which is
 * what `POST /api/vms/:id/start` and `/kill` return.
 */
import type { Vm } from '@qmpdeck/protocol';
import type { VmSupervisor } from '../vms/vm-supervisor.ts';
import type { BridgeAction } from './command-request.ts';

export const BRIDGE_ACTION_RUNNERS: Readonly<Record<BridgeAction, (vm: VmSupervisor) => Promise<Vm>>> = {
  /** Launches a managed VM's QEMU (no-op when it runs); answers once it started or failed to. */
  'vm.start': async (vm) => {
    await vm.startProcess();
    return vm.snapshot();
  },
  /** SIGKILLs a managed VM's QEMU, as a person pulling the plug; answers once the process is gone. */
  'vm.kill': async (vm) => {
    await vm.killProcess();
    return vm.snapshot();
  },
};
