/**
 * Test helper: starts a real QEMU with a QMP socket in a fresh temp dir and kills it by PID afterwards.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface TestQemu {
  dir: string;
  qmpPath: string;
  process: ChildProcess;
  /** Kills QEMU (SIGKILL) and waits for it to exit. */
  kill(): Promise<void>;
  /** Kills QEMU and removes its temp dir. */
  dispose(): Promise<void>;
}

export interface StartQemuOptions {
  /** Extra argv after the defaults. */
  extraArgs?: string[];
  /** Reuse this directory (and socket path) instead of a new temp dir. */
  dir?: string;
  /** Serve QMP on this TCP port on loopback instead of a unix socket. */
  tcpPort?: number;
}

export async function waitFor(
  condition: () => boolean,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function tryConnect(target: { path: string } | { port: number }): Promise<boolean> {
  return new Promise((resolve) => {
    const socket =
      'path' in target
        ? net.createConnection(target)
        : net.createConnection({ host: '127.0.0.1', port: target.port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function waitForListener(
  target: { path: string } | { port: number },
  exited: () => boolean,
): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await tryConnect(target))) {
    if (exited()) throw new Error('QEMU exited');
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export async function startQemu(options: StartQemuOptions = {}): Promise<TestQemu> {
  const dir = options.dir ?? mkdtempSync(path.join(tmpdir(), 'qmp-test-'));
  const qmpPath = path.join(dir, 'qmp.sock');
  rmSync(qmpPath, { force: true });
  const qmpArg =
    options.tcpPort === undefined
      ? `unix:${qmpPath},server=on,wait=off`
      : `tcp:127.0.0.1:${options.tcpPort},server=on,wait=off`;
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
      '-qmp',
      qmpArg,
      ...(options.extraArgs ?? []),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
  });
  const kill = async () => {
    if (!hasExited) child.kill('SIGKILL');
    await exited;
  };
  try {
    // The socket file appears at bind(), a moment before listen(): wait until a connection is accepted.
    await waitForListener(
      options.tcpPort === undefined ? { path: qmpPath } : { port: options.tcpPort },
      () => hasExited,
    );
  } catch (error) {
    await kill();
    throw new Error(`QEMU did not start listening: ${(error as Error).message} ${stderr}`);
  }
  return {
    dir,
    qmpPath,
    process: child,
    kill,
    dispose: async () => {
      await kill();
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
