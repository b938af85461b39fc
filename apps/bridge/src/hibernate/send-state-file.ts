/**
 * Feeds a hibernated VM's state file to the QEMU that restores it, over the unix socket QEMU listens on after
 * `migrate-incoming`. Whether the state loaded is QEMU's to say (query-migrate, or its exit), not the socket's.
 */
import { createReadStream, statSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { pipeline } from 'node:stream/promises';

/** How long QEMU may take to listen after `migrate-incoming` on a loaded host. */
const LISTEN_WITHIN_MS = 10_000;

/** Sends the whole file; `onProgress(sent, size)` as it goes. Rejects when QEMU stopped reading before the end. */
export async function sendStateFile(
  socketPath: string,
  statePath: string,
  onProgress: (sent: number, size: number) => void,
): Promise<void> {
  const size = statSync(statePath).size;
  const socket = await connectWhenListening(socketPath);
  const file = createReadStream(statePath);
  let sent = 0;
  file.on('data', (chunk) => {
    sent += chunk.length;
    onProgress(sent, size);
  });
  try {
    await pipeline(file, socket);
  } catch (error) {
    // QEMU closes the connection once it has read the stream's end marker, which can come before our own end of
    // the stream is done ("Premature close": once in a loaded test run, the VM restored and waiting for `cont`).
    if (sent < size) throw error;
  }
}

/** `migrate-incoming` answers once QEMU listens; a few retries cover a slow start under load. */
async function connectWhenListening(path: string): Promise<Socket> {
  const deadline = Date.now() + LISTEN_WITHIN_MS;
  for (;;) {
    try {
      return await new Promise<Socket>((resolve, reject) => {
        const socket = createConnection(path);
        socket.once('connect', () => {
          socket.off('error', reject);
          resolve(socket);
        });
        socket.once('error', reject);
      });
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
