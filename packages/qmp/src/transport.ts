/**
 * Opening the byte stream: a unix socket or a TCP connection, with a connect timeout and a typed failure.
 */
import net from 'node:net';
import { QmpBusyError, QmpConnectError } from './errors.ts';
import type { QmpAddress } from './types.ts';

export function describeAddress(address: QmpAddress): string {
  return 'path' in address ? address.path : `${address.host}:${address.port}`;
}

export function openSocket(address: QmpAddress, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket =
      'path' in address
        ? net.createConnection({ path: address.path })
        : net.createConnection({ host: address.host, port: address.port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new QmpConnectError(`Timed out connecting to ${describeAddress(address)}`, 'ETIMEDOUT'));
    }, timeoutMs);
    const onError = (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      if (err.code === 'EAGAIN' && 'path' in address) {
        reject(monitorHeld(address.path));
        return;
      }
      reject(
        new QmpConnectError(`Cannot connect to ${describeAddress(address)}: ${err.message}`, err.code, {
          cause: err,
        }),
      );
    };
    socket.once('error', onError);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.off('error', onError);
      socket.setNoDelay(true);
      resolve(socket);
    });
  });
}

/**
 * QEMU stops accepting on a QMP chardev while one client holds it, so waiting clients fill the listen backlog
 * and a unix-socket connect then fails at once with EAGAIN: the same "monitor busy" as a missing greeting.
 */
function monitorHeld(path: string): QmpBusyError {
  return new QmpBusyError(
    `Cannot connect to ${path}: its connection queue is full, another client holds the monitor`,
  );
}
