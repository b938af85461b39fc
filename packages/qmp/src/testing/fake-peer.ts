/**
 * Test helper: a fault-injection peer on a unix socket, for what real QEMU will not do on demand (split frames,
 * garbage, silence, closing mid-message). Each connection gets a `FakeConnection` to script replies with.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { JsonStreamParser } from '../framing.ts';

export const GREETING = {
  QMP: { version: { qemu: { major: 7, minor: 2, micro: 22 }, package: 'fake' }, capabilities: ['oob'] },
};

export interface FakeConnection {
  socket: net.Socket;
  /** Commands received so far. */
  received: Record<string, unknown>[];
  /** Resolves with the next command received (or one already queued). */
  nextCommand(): Promise<Record<string, unknown>>;
  send(value: unknown): void;
  sendRaw(data: string | Buffer): void;
}

export interface FakePeer {
  path: string;
  connections: FakeConnection[];
  close(): Promise<void>;
}

export async function startFakePeer(
  onConnection: (conn: FakeConnection) => void | Promise<void>,
): Promise<FakePeer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'qmp-fake-'));
  const socketPath = path.join(dir, 'fake.sock');
  const connections: FakeConnection[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {
      // The client may reset the connection; the test asserts on the client's side.
    });
    // 0xFF resets the parser, as the guest agent does with the byte its clients send before a sync.
    const parser = new JsonStreamParser({ resetByte: 0xff });
    const received: Record<string, unknown>[] = [];
    const waiters: ((cmd: Record<string, unknown>) => void)[] = [];
    let consumed = 0;
    socket.on('data', (chunk: Buffer) =>
      parser.push(chunk, (value) => {
        received.push(value as Record<string, unknown>);
        const waiter = waiters.shift();
        if (waiter) {
          consumed++;
          waiter(value as Record<string, unknown>);
        }
      }),
    );
    const conn: FakeConnection = {
      socket,
      received,
      nextCommand: () =>
        new Promise((resolve) => {
          const queued = received[consumed];
          if (queued) {
            consumed++;
            resolve(queued);
          } else {
            waiters.push(resolve);
          }
        }),
      send: (value) => socket.write(`${JSON.stringify(value)}\r\n`),
      sendRaw: (data) => socket.write(data),
    };
    connections.push(conn);
    void onConnection(conn);
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return {
    path: socketPath,
    connections,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Greets and answers qmp_capabilities, as QEMU does. */
export async function negotiate(conn: FakeConnection): Promise<void> {
  conn.send(GREETING);
  const command = await conn.nextCommand();
  conn.send({ return: {}, id: command.id });
}
