/**
 * The real demo guest (demo/guest/build.ts) for integration tests: found in the cache, booted with its agent and
 * serial port on sockets in the test's temp dir. Tests skip, saying why, only when the image was never built.
 */
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { accelArgs, type DemoGuest, findDemoGuest } from '../../../../../demo/guest/cache.ts';
import { GUEST_KERNEL_ARGS } from '../../../../../demo/kernel-args.ts';
import { AGENT_SOCKET_NAME, agentChannelArgs } from '../agent-channel.ts';

export const demoGuest: DemoGuest | null = findDemoGuest();
export const NO_GUEST_REASON =
  'the demo guest image is not built (run: node --import tsx demo/guest/build.ts); guest agent tests skipped';

export const AGENT_SOCKET = AGENT_SOCKET_NAME;
export const SERIAL_SOCKET = 'serial.sock';

/** The demo guest's machine, kernel and NIC; no agent channel, no serial port, no -qmp. */
export function demoGuestBaseArgs(guest: DemoGuest): string[] {
  return [
    '-M',
    'pc',
    '-m',
    '128',
    '-nodefaults',
    '-display',
    'none',
    ...accelArgs(guest),
    '-kernel',
    guest.kernel,
    '-initrd',
    guest.initrd,
    '-append',
    GUEST_KERNEL_ARGS.join(' '),
    '-netdev',
    'user,id=net0',
    '-device',
    'virtio-net-pci,netdev=net0',
  ];
}

/** The serial port (the guest's shell) on a socket at `path`. */
export function serialArgs(path: string): string[] {
  return ['-chardev', `socket,id=serial0,path=${path},server=on,wait=off`, '-serial', 'chardev:serial0'];
}

/** Everything but -qmp: the demo guest with its agent channel and serial port under `dir`. */
export function demoGuestArgs(guest: DemoGuest, dir: string): string[] {
  return [
    ...demoGuestBaseArgs(guest),
    ...agentChannelArgs(join(dir, AGENT_SOCKET)),
    ...serialArgs(join(dir, SERIAL_SOCKET)),
  ];
}

/**
 * Types a line into the guest's serial shell and resolves once the guest echoed `until` (or the line itself),
 * so the command has at least reached the shell.
 */
export async function typeOnSerial(socketPath: string, line: string, until = line): Promise<string> {
  const socket = createConnection(socketPath);
  let seen = '';
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`serial console never echoed "${until}": ${seen}`)),
        15_000,
      );
      socket.on('error', reject);
      socket.on('data', (chunk: Buffer) => {
        seen += chunk.toString('utf8');
        if (seen.includes(until)) {
          clearTimeout(timer);
          resolve();
        }
      });
      // A bare newline first wakes a shell whose prompt was printed before anyone listened.
      socket.write(`\n${line}\n`);
    });
  } finally {
    socket.destroy();
  }
  return seen;
}
