/**
 * Real QEMU processes for integration tests: spawned with an argv array, QMP on
 * a unix socket in the test's own temp dir (or a TCP port), killed by PID.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { waitFor } from './wait-for.ts';

export const QEMU_BASE_ARGS = ['-M', 'pc', '-S', '-nodefaults', '-display', 'none', '-m', '64'];

export interface TestQemu {
  child: ChildProcess;
  pid: number;
  /** `{ path }` or `{ host, port }`, as the bridge config wants it under `qmp` (socket -> path). */
  socket?: string;
  port?: number;
  exited: Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export async function startQemu(dir: string, name: string, extraArgs: string[] = []): Promise<TestQemu> {
  return startQemuOnSocket(join(dir, `${name}.sock`), extraArgs);
}

export async function startQemuOnSocket(socket: string, extraArgs: string[] = []): Promise<TestQemu> {
  const qemu = launch([...QEMU_BASE_ARGS, ...extraArgs, '-qmp', `unix:${socket},server=on,wait=off`]);
  await waitFor(() => existsSync(socket), `QMP socket ${socket}`);
  return { ...qemu, socket };
}

/** `port` given: listen there again (a restart on the address the bridge already knows). */
export async function startTcpQemu(extraArgs: string[] = [], port?: number): Promise<TestQemu> {
  port ??= await freePort();
  const qemu = launch([...QEMU_BASE_ARGS, ...extraArgs, '-qmp', `tcp:127.0.0.1:${port},server=on,wait=off`]);
  return { ...qemu, port };
}

function launch(args: string[]): Omit<TestQemu, 'socket' | 'port'> {
  const child = spawn('qemu-system-x86_64', args, { stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return {
    child,
    pid: child.pid ?? -1,
    exited,
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
