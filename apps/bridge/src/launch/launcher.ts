/**
 * What a managed QEMU runs: its binary and arguments, planned just before each start (a definition's argv is
 * built then, from the definition as it is at that moment, with its files prepared). The process adds what every
 * managed QEMU gets: QMP on a socket in its runtime directory and a pidfile beside it.
 */
import type { LaunchConfig } from '../config/schema.ts';

export const DEFAULT_QEMU_BINARY = 'qemu-system-x86_64';

export interface LaunchPlan {
  binary: string;
  args: readonly string[];
}

export interface Launcher {
  /** Throws a `{ class, desc }` error (a missing image, no firmware) to fail the start with its words. */
  plan(dir: string): LaunchPlan | Promise<LaunchPlan>;
}

/** A config file's `launch`: its argv as written, `{dir}` replaced by the VM's runtime directory. */
export function configLauncher(launch: LaunchConfig): Launcher {
  return {
    plan: (dir) => ({
      binary: launch.binary ?? DEFAULT_QEMU_BINARY,
      args: launch.args.map((arg) => arg.replaceAll('{dir}', dir)),
    }),
  };
}
