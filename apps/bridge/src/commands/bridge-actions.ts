/**
 * What the bridge does itself for a command of target `bridge`. Start and kill answer the VM object once done,
 * which is what `POST /api/vms/:id/start` and `/kill` return; the device actions (hardware/device-actions.ts)
 * answer what they added or removed.
 */
import { DEVICE_ACTION_RUNNERS } from '../hardware/device-actions.ts';
import type { VmSupervisor } from '../vms/vm-supervisor.ts';
import type { BridgeAction, VmReadAction } from './command-request.ts';

export type BridgeActionRunner = (
  vm: VmSupervisor,
  args: Record<string, unknown> | undefined,
) => Promise<unknown>;

/** Every action but the reads whose runner the server gives (CommandPipelineOptions.vmReads). */
export const BRIDGE_ACTION_RUNNERS: Readonly<
  Record<Exclude<BridgeAction, VmReadAction>, BridgeActionRunner>
> = {
  ...DEVICE_ACTION_RUNNERS,
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
