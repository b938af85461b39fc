/**
 * A real QEMU for the web app's unit tests that need QEMU's own data (its
 * schema) or answers: paused before boot, QMP on a unix socket in a fresh
 * temp dir, killed by PID afterwards.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QmpClient } from '@qmpdeck/qmp';

export interface RealQemu {
  client: QmpClient;
  stop(): Promise<void>;
}

async function waitForFile(path: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!existsSync(path)) {
    if (child.exitCode !== null)
      throw new Error(`QEMU exited with ${child.exitCode} before creating ${path}`);
    if (Date.now() > deadline) throw new Error(`QEMU did not create ${path} within 15 s`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export async function startRealQemu(extraArgs: string[] = []): Promise<RealQemu> {
  const dir = mkdtempSync(join(tmpdir(), 'qmpdeck-web-'));
  const socket = join(dir, 'qmp.sock');
  const child = spawn(
    'qemu-system-x86_64',
    [
      '-M',
      'pc',
      '-S',
      '-nodefaults',
      '-display',
      'none',
      '-m',
      '64',
      ...extraArgs,
      '-qmp',
      `unix:${socket},server=on,wait=off`,
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const stopProcess = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  try {
    await waitForFile(socket, child);
    const client = await QmpClient.connect({ path: socket });
    return {
      client,
      async stop() {
        await client.close();
        await stopProcess();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await stopProcess();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
