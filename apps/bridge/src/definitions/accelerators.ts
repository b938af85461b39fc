/**
 * Which accelerators a defined VM gets: KVM first when /dev/kvm can be opened for reading and writing and QEMU
 * actually runs this machine and CPU model under it, with TCG after it (QEMU takes the first that works), else TCG
 * alone. As the demo guest's `accelArgs`.
 *
 * Why run QEMU to know: on some hosts (nested virtualization) /dev/kvm opens and KVM starts, but QEMU aborts as soon
 * as a vCPU with the host's features runs ("failed to set MSR ... kvm_buf_set_msrs: Assertion"), which `-accel
 * kvm -accel tcg` does not fall back from. A user who created a VM would see it die with SIGABRT. So the first start
 * of each machine and CPU model runs QEMU once, briefly, with no disks, and the answer is kept.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import type { Logger } from '../log.ts';

export const KVM_DEVICE = '/dev/kvm';
/** How long a probe QEMU must keep running to count as working: the abort comes within the first vCPU run. */
const PROBE_MS = 1_500;

export function kvmDeviceUsable(device = KVM_DEVICE): boolean {
  try {
    closeSync(openSync(device, 'r+'));
    return true;
  } catch {
    return false;
  }
}

/** Whether QEMU keeps running this machine and CPU model under KVM (argv only, no disks, no display). */
export function kvmRuns(binary: string, machine: string, cpuModel: string): Promise<boolean> {
  const args = ['-accel', 'kvm', '-machine', machine, '-cpu', cpuModel, '-m', '32', '-nodefaults'];
  const child = spawn(binary, [...args, '-display', 'none', '-monitor', 'none', '-serial', 'none'], {
    stdio: 'ignore',
  });
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve(true);
    }, PROBE_MS);
    const failed = () => {
      clearTimeout(timer);
      resolve(false);
    };
    child.once('error', failed);
    child.once('exit', failed);
  });
}

/** The accelerators per machine and CPU model, probed once each. */
export class AcceleratorChoice {
  readonly #known = new Map<string, Promise<string[]>>();

  constructor(
    private readonly binary: string,
    private readonly log: Logger | null = null,
    private readonly device = KVM_DEVICE,
  ) {}

  for(machine: string, cpuModel: string): Promise<string[]> {
    const key = `${machine}/${cpuModel}`;
    let known = this.#known.get(key);
    if (known === undefined) {
      known = this.#probe(machine, cpuModel);
      this.#known.set(key, known);
    }
    return known;
  }

  async #probe(machine: string, cpuModel: string): Promise<string[]> {
    if (!kvmDeviceUsable(this.device)) return ['tcg'];
    if (await kvmRuns(this.binary, machine, cpuModel)) return ['kvm', 'tcg'];
    this.log?.warn(
      { machine, cpuModel },
      `QEMU does not run machine ${machine} with CPU ${cpuModel} under KVM here (it quits at once); VMs of this kind use TCG. Set "accelerators" in the config to choose`,
    );
    return ['tcg'];
  }
}
