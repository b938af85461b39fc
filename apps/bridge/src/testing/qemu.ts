/**
 * Real QEMU processes for the bridge's integration tests, through the project's one test launcher
 * (`@qmpdeck/qmp/testing`): paused before boot, QMP on a unix socket named after the VM in the test's own temp
 * dir (or a TCP port), resolved once QEMU accepts connections, killed by PID.
 */
import { join } from 'node:path';
import { freePort, QEMU_TEST_ARGS, startQemu as startTestQemu, type TestQemu } from '@qmpdeck/qmp/testing';

export { freePort, type TestQemu } from '@qmpdeck/qmp/testing';

export const QEMU_BASE_ARGS: readonly string[] = QEMU_TEST_ARGS;

export function startQemu(dir: string, name: string, extraArgs: readonly string[] = []): Promise<TestQemu> {
  return startQemuOnSocket(join(dir, `${name}.sock`), extraArgs);
}

export function startQemuOnSocket(socket: string, extraArgs: readonly string[] = []): Promise<TestQemu> {
  return startTestQemu({ socketPath: socket, extraArgs, stderr: 'inherit' });
}

/** `port` given: listen there again (a restart on the address the bridge already knows). */
export async function startTcpQemu(extraArgs: readonly string[] = [], port?: number): Promise<TestQemu> {
  return startTestQemu({ tcpPort: port ?? (await freePort()), extraArgs, stderr: 'inherit' });
}
