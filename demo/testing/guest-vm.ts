/**
 * A real QEMU for the demo's own tests (and for anyone who needs to boot the demo guest from a test): QMP and the
 * guest agent on sockets in a temp dir, the serial port on QEMU's stdout, so a test can wait for the banner, talk
 * to the agent and query QEMU. The caller gives the machine (firmware, boot media, disks); this adds the plumbing.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GuestAgentClient, QmpClient } from '../../packages/qmp/src/index.ts';

export const QEMU = 'qemu-system-x86_64';
export const AGENT_PORT_NAME = 'org.qemu.guest_agent.0';
/** Printed by the guest's login shell on the serial port (see demo/guest/guest-files.ts). */
export const BANNER_LINE = 'Power button, DHCP on the virtio NIC';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface GuestVm {
  readonly dir: string;
  readonly process: ChildProcess;
  /** performance.now() when QEMU was spawned. */
  readonly startedAt: number;
  readonly qmp: QmpClient;
  /** Everything the guest wrote to its serial port so far. */
  serialOutput(): string;
  /** Resolves with the milliseconds since launch when `text` appears on the serial port. */
  waitForSerial(text: string | RegExp, timeoutMs?: number): Promise<number>;
  /** The guest agent, once it answers `guest-ping`; the same client on every call. */
  agent(timeoutMs?: number): Promise<GuestAgentClient>;
  /** Kills QEMU (by its pid) and removes the temp dir. */
  dispose(): Promise<void>;
}

/** The agent's virtio-serial port, its host end a socket at `path`. */
export function agentChannelArgs(path: string): string[] {
  return [
    ...['-chardev', `socket,id=qga0,path=${path},server=on,wait=off`],
    ...['-device', 'virtio-serial,id=qga-serial', '-device'],
    `virtserialport,bus=qga-serial.0,chardev=qga0,name=${AGENT_PORT_NAME}`,
  ];
}

async function waitForSocket(path: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!existsSync(path)) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`QEMU exited (${child.exitCode ?? child.signalCode}): ${stderr().trim()}`);
    }
    if (Date.now() > deadline) throw new Error(`QEMU made no QMP socket in 15 s: ${stderr().trim()}`);
    await pause(20);
  }
}

/** Connects to the QMP socket of a QEMU `child` once it is there; its `stderr` says why when QEMU ended first. */
export async function connectQmp(
  path: string,
  child: ChildProcess,
  stderr: () => string,
): Promise<QmpClient> {
  await waitForSocket(path, child, stderr);
  // The socket file appears at bind(), a moment before listen(): retry refused connections briefly.
  for (let attempt = 0; ; attempt++) {
    try {
      return await QmpClient.connect({ path });
    } catch (error) {
      if (attempt >= 50) throw error;
      await pause(20);
    }
  }
}

/** Polls the agent (a short sync each round) until `guest-ping` answers. */
async function agentWhenReady(path: string, deadline: number): Promise<GuestAgentClient> {
  const client = await GuestAgentClient.connect({ path }, { syncTimeoutMs: 500 });
  try {
    while (!client.available) {
      if (Date.now() > deadline) throw new Error('the guest agent did not answer in time');
      // No answer yet means the guest is still booting: try again until the deadline.
      await client.sync().catch(() => pause(100));
    }
    await client.execute('guest-ping');
    return client;
  } catch (error) {
    await client.close();
    throw error;
  }
}

/**
 * Starts `qemu-system-x86_64 <machineArgs>` with QMP, the agent's channel and the serial port added, and connects
 * to QMP. `machineArgs` must not claim the serial port (`-serial`) or `-qmp`; given as a function, it gets the
 * VM's temp dir first (for files the VM owns, such as a UEFI variables store).
 */
export async function launchGuestVm(
  machineArgs: readonly string[] | ((dir: string) => string[]),
): Promise<GuestVm> {
  const dir = mkdtempSync(join(tmpdir(), 'qmpdeck-demo-vm-'));
  const qmpPath = join(dir, 'qmp.sock');
  const agentPath = join(dir, 'qga.sock');
  const argv = [
    ...(typeof machineArgs === 'function' ? machineArgs(dir) : machineArgs),
    ...['-display', 'none', '-serial', 'stdio'],
    ...['-qmp', `unix:${qmpPath},server=on,wait=off`],
    ...agentChannelArgs(agentPath),
  ];
  const startedAt = performance.now();
  const child = spawn(QEMU, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  let serial = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    serial += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const alive = () => child.exitCode === null && child.signalCode === null;
  // A script that throws before dispose() must not leave a TCG guest spinning on a shared host.
  const killOnExit = () => {
    if (alive()) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', killOnExit);
  const kill = async () => {
    process.off('exit', killOnExit);
    if (alive()) child.kill('SIGKILL');
    await exited;
  };

  let qmp: QmpClient;
  try {
    qmp = await connectQmp(qmpPath, child, () => stderr);
  } catch (error) {
    await kill();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }

  let agent: Promise<GuestAgentClient> | undefined;
  return {
    dir,
    process: child,
    startedAt,
    qmp,
    serialOutput: () => serial,
    async waitForSerial(text, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      const seen = () => (typeof text === 'string' ? serial.includes(text) : text.test(serial));
      while (!seen()) {
        if (!alive()) throw new Error(`QEMU exited before "${text}": ${stderr.trim()}\n${serial}`);
        if (Date.now() > deadline)
          throw new Error(`"${text}" not on the serial port after ${timeoutMs} ms:\n${serial}`);
        await pause(20);
      }
      return performance.now() - startedAt;
    },
    agent(timeoutMs = 60_000) {
      agent ??= agentWhenReady(agentPath, Date.now() + timeoutMs);
      return agent;
    },
    async dispose() {
      // An agent that never answered has nothing to close; its failure was the test's to report.
      const client = await agent?.catch(() => undefined);
      await client?.close();
      await qmp.close().catch(() => undefined);
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
