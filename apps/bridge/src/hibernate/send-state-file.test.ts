/**
 * A fake QEMU on a unix socket: the real one closes the incoming connection right after the stream's last byte
 * only now and then, on a loaded host; this peer does it every time, and can also stop reading half way.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sendStateFile } from './send-state-file.ts';

const SIZE = 8 * 1024 * 1024;

/** Listens at `path`, and closes each connection once it has read `closeAfter` bytes. */
function fakeIncomingQemu(
  path: string,
  closeAfter: number,
): Promise<{ server: Server; received: () => number }> {
  let received = 0;
  const server = createServer((peer) => {
    let read = 0;
    peer.on('data', (chunk: Buffer) => {
      read += chunk.length;
      received += chunk.length;
      if (read >= closeAfter) peer.destroy();
    });
  });
  return new Promise((resolve) => server.listen(path, () => resolve({ server, received: () => received })));
}

describe('sendStateFile', () => {
  let dir: string;
  let statePath: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'send-state-'));
    statePath = join(dir, 'hibernate-vm.state');
    writeFileSync(statePath, Buffer.alloc(SIZE, 7));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('succeeds when QEMU closes the connection as soon as it has the last byte, every time', async () => {
    // Without the rule, about half of these rounds end in "Premature close" on this machine.
    for (let round = 0; round < 20; round++) {
      const path = join(dir, `incoming-${round}.sock`);
      const peer = await fakeIncomingQemu(path, SIZE);
      const progress: number[] = [];
      await sendStateFile(path, statePath, (sent, size) => {
        expect(size).toBe(SIZE);
        progress.push(sent);
      });
      peer.server.close();
      expect(progress.at(-1)).toBe(SIZE);
      expect(peer.received()).toBe(SIZE);
    }
  });

  it('fails when QEMU stops reading before the end', async () => {
    const path = join(dir, 'incoming.sock');
    const peer = await fakeIncomingQemu(path, 64 * 1024);
    await expect(sendStateFile(path, statePath, () => {})).rejects.toThrow();
    peer.server.close();
  });

  it('waits for QEMU to listen, as it does a moment after migrate-incoming answers', async () => {
    const path = join(dir, 'late.sock');
    const late = new Promise<Awaited<ReturnType<typeof fakeIncomingQemu>>>((resolve) =>
      setTimeout(() => resolve(fakeIncomingQemu(path, SIZE)), 300),
    );
    await sendStateFile(path, statePath, () => {});
    const peer = await late;
    expect(peer.received()).toBe(SIZE);
    peer.server.close();
  });
});
