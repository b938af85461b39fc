/**
/**
 * What the bridge does itself for a command of target `bridge` on a VM. Start, kill and stop of a managed VM and
 * the device actions (hardware/device-actions.ts: what they added or removed) are here; the server adds the
 * actions that need more than the VM (define, clone, delete: the definitions; a job's control: the jobs), given to
 * the pipeline as `bridgeActions`, and the reads it owns (`hardware.read`, as `vmReads`).
 */
import { type StopRequest, StopRequest as StopRequestSchema } from '@qmpdeck/protocol';
import { badRequest } from '../bridge-error.ts';
import { DEVICE_ACTION_RUNNERS } from '../hardware/device-actions.ts';
import type { VmSupervisor } from '../vms/vm-supervisor.ts';
import type { BridgeAction, CommandRequest } from './command-request.ts';

export type BridgeActionRunner = (vm: VmSupervisor, request: CommandRequest) => Promise<unknown>;
export type BridgeActionRunners = Readonly<Partial<Record<BridgeAction, BridgeActionRunner>>>;

/** The device actions take their arguments alone. */
const DEVICE_RUNNERS: BridgeActionRunners = Object.fromEntries(
  Object.entries(DEVICE_ACTION_RUNNERS).map(([name, run]) => [
    name,
    (vm: VmSupervisor, request: CommandRequest) => run(vm, request.arguments),
  ]),
);

export const LIFECYCLE_RUNNERS: BridgeActionRunners = {
  ...DEVICE_RUNNERS,
  /** Launches a managed VM's QEMU (no-op when it runs); answers once it is up or failed, with QEMU's words. */
  'vm.start': async (vm) => {
    await vm.startProcess();
    return vm.snapshot();
  },
  /** SIGKILLs a managed VM's QEMU, as a person pulling the plug; answers once the process is gone. */
  'vm.kill': async (vm) => {
    await vm.killProcess();
    return vm.snapshot();
  },
  /** Power button, then quit, then kill; answers the VM object once QEMU is gone. */
  'vm.stop': async (vm, request) => {
    const { timeoutMs } = stopArguments(request.arguments);
    await vm.stopProcess(timeoutMs);
    return vm.snapshot();
  },
};

function stopArguments(args: Record<string, unknown> | undefined): StopRequest {
  const parsed = StopRequestSchema.safeParse(args ?? {});
  if (!parsed.success) {
    throw badRequest(
      `invalid stop request: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data;
}
