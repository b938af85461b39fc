/**
 * The one test QEMU launcher of the project's tests: a real `qemu-system-x86_64`, paused before boot (`-S`, no
 * devices, no display, 64 MB), spawned with an argv array, QMP on a unix socket (in a fresh temp dir, or at a
 * given path) or on a loopback TCP port, resolved once QEMU accepts connections, killed by PID.
 *
 *   const qemu = await startQemu({ extraArgs: ['-drive', 'if=ide,media=cdrom,id=cd0'] });
 *   await QmpClient.connect({ path: qemu.qmpPath }); ... await qemu.dispose();
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { waitFor } from './wait-for.ts';

export { seabiosBeganPost, seabiosLogArgs } from './seabios-log.ts';
export { waitFor } from './wait-for.ts';

/** A machine with nothing in it, paused before boot: enough for every QMP command that needs no guest. */
export const QEMU_TEST_ARGS: readonly string[] = [
  '-M',
  'pc',
  '-S',
  '-nodefaults',
  '-display',
  'none',
  '-m',
  '64',
];

export interface TestQemu {
  /** The temp dir this launcher made (removed by dispose), or the socket's directory. */
  dir: string;
  /** The QMP unix socket; '' when QMP is on TCP. */
  qmpPath: string;
  /** The same path, or undefined on TCP: the bridge config's `qmp.socket`. */
  socket: string | undefined;
  /** The TCP port when QMP is on TCP. */
  port: number | undefined;
  process: ChildProcess;
  pid: number;
  /** Resolves when the process has exited. */
  exited: Promise<void>;
  /** Sends a signal (SIGKILL by default) and waits for QEMU to exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Kills QEMU and removes the temp dir it made. */
  dispose(): Promise<void>;
}

export interface StartQemuOptions {
  /** Extra argv after the defaults. */
  extraArgs?: readonly string[];
  /** Put the socket (qmp.sock) in this directory instead of a new temp dir; it is not removed by dispose. */
  dir?: string;
  /** The QMP socket's exact path (its directory is created if missing). */
  socketPath?: string;
  /** Serve QMP on this loopback TCP port instead of a unix socket. */
  tcpPort?: number;
  /** Instead of QEMU_TEST_ARGS (e.g. a guest that boots). */
  baseArgs?: readonly string[];
  /** QEMU's stderr: collected for the error message (default), or inherited. */
  stderr?: 'collect' | 'inherit';
}

export async function startQemu(options: StartQemuOptions = {}): Promise<TestQemu> {
  const ownDir = options.dir === undefined && options.socketPath === undefined;
  const dir = options.socketPath
    ? path.dirname(options.socketPath)
    : (options.dir ?? mkdtempSync(path.join(tmpdir(), 'qmp-test-')));
  mkdirSync(dir, { recursive: true });
  const onTcp = options.tcpPort !== undefined;
  const qmpPath = onTcp ? '' : (options.socketPath ?? path.join(dir, 'qmp.sock'));
  if (!onTcp) rmSync(qmpPath, { force: true });
  const qmpArg = onTcp
    ? `tcp:127.0.0.1:${options.tcpPort},server=on,wait=off`
    : `unix:${qmpPath},server=on,wait=off`;
  const child = spawn(
    'qemu-system-x86_64',
    [...(options.baseArgs ?? QEMU_TEST_ARGS), ...(options.extraArgs ?? []), '-qmp', qmpArg],
    { stdio: ['ignore', 'ignore', options.stderr === 'inherit' ? 'inherit' : 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
  });
  const kill = async (signal: NodeJS.Signals = 'SIGKILL') => {
    if (!hasExited) child.kill(signal);
    await exited;
  };
  try {
    // A unix socket file appears at bind(), a moment before listen(): wait until a connection is accepted.
    await waitFor(
      async () => {
        if (hasExited) throw new Error('QEMU exited');
        return tryConnect(onTcp ? { port: options.tcpPort as number } : { path: qmpPath });
      },
      'QEMU to listen for QMP',
      15_000,
    );
  } catch (error) {
    await kill();
    throw new Error(`QEMU did not start listening: ${(error as Error).message} ${stderr}`);
  }
  return {
    dir,
    qmpPath,
    socket: onTcp ? undefined : qmpPath,
    port: options.tcpPort,
    process: child,
    pid: child.pid ?? -1,
    exited,
    kill,
    dispose: async () => {
      await kill();
      if (ownDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A loopback port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no free port');
  return address.port;
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
