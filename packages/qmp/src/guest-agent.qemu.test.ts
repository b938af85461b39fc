import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QmpClient } from './client.ts';
import { GuestAgentUnavailableError } from './errors.ts';
import { GuestAgentClient } from './guest-agent.ts';
import { startQemu, type TestQemu, waitFor } from './testing/qemu.ts';

// A QEMU with the agent's virtio-serial port but no guest: the socket accepts, and nothing ever answers.
describe('GuestAgentClient against a real QEMU with no guest agent running', () => {
  let qemu: TestQemu;
  let qgaPath: string;

  beforeAll(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'qga-test-'));
    qgaPath = path.join(dir, 'qga.sock');
    qemu = await startQemu({
      dir,
      extraArgs: [
        '-chardev',
        `socket,path=${qgaPath},server=on,wait=off,id=qga0`,
        '-device',
        'virtio-serial',
        '-device',
        'virtserialport,chardev=qga0,name=org.qemu.guest_agent.0',
      ],
    });
    await waitFor(() => existsSync(qgaPath), 'the agent socket', 10_000);
  });

  afterAll(async () => {
    await qemu?.dispose();
    if (qemu) rmSync(qemu.dir, { recursive: true, force: true });
  });

  it('connects, reports the agent unavailable, and fails commands fast while QMP keeps working', async () => {
    const agent = await GuestAgentClient.connect({ path: qgaPath }, { syncTimeoutMs: 200 });
    expect(agent.available).toBe(false);
    const error = await agent.execute('guest-ping', undefined, { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GuestAgentUnavailableError);
    expect(error).toMatchObject({ class: 'GuestAgentUnavailable' });
    const qmp = await QmpClient.connect({ path: qemu.qmpPath });
    await expect(qmp.execute('query-status')).resolves.toMatchObject({ status: 'prelaunch' });
    await qmp.close();
    await agent.close();
  });
});
