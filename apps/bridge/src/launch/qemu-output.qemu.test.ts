/**
 * A managed QEMU's output in the log, from real QEMU: its chatter at info, a
 * line that reads like an error at warn, an exit nobody asked for at warn, and
 * the command line only at debug with secrets' values replaced.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QmpClient } from '@qmpdeck/qmp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLog, LEVEL } from '../testing/log-capture.ts';
import { QEMU_BASE_ARGS } from '../testing/qemu.ts';
import { waitFor } from '../testing/wait-for.ts';
import { configLauncher } from './launcher.ts';
import { ManagedProcess, type ProcessChange } from './managed-process.ts';
import { qemuOutputLevel } from './qemu-output.ts';
import { redactArgv } from './redact-argv.ts';
import { vmRuntimeDir } from './runtime-dir.ts';

const SECRET = 'hunter2-not-for-logs';

async function greets(path: string): Promise<boolean> {
  try {
    await (await QmpClient.connect({ path })).close();
    return true;
  } catch {
    return false; // not listening yet: asked again
  }
}

describe('managed QEMU output in the log', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'bridge-qemu-output-'));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('logs QEMU chatter at info and the command line at debug without secret values', async () => {
    const { log, lines } = captureLog('debug');
    const qemu = new ManagedProcess({
      vmId: 'chatty',
      dir: vmRuntimeDir(dir, 'chatty'),
      launcher: configLauncher({ args: [...QEMU_BASE_ARGS, '-object', `secret,id=sec0,data=${SECRET}`] }),
      log,
      onChange: () => {},
    });
    await qemu.start();
    expect(qemu.running).toBe(true);
    // Once QMP greets, QEMU's main loop runs and handles signals itself (an early SIGTERM kills it silently).
    await waitFor(() => greets(qemu.socketPath), 'the QMP greeting');
    // On SIGTERM QEMU prints "terminating on signal 15 from pid N": news, not trouble.
    await qemu.stop();
    const terminating = await waitFor(
      () => lines.find((line) => line.stream === 'qemu.log' && /terminating on signal/.test(line.msg)),
      'QEMU saying it terminates',
    );
    expect(terminating).toMatchObject({ level: LEVEL.info, vm: 'chatty' });
    expect(lines.find((line) => line.msg === 'QEMU command line')).toMatchObject({
      level: LEVEL.debug,
      argv: expect.arrayContaining(['secret,id=sec0,data=[redacted]']),
    });
    expect(lines.find((line) => line.msg === 'VM shut off')).toMatchObject({
      level: LEVEL.info,
      vm: 'chatty',
    });
    expect(JSON.stringify(lines)).not.toContain(SECRET);
  });

  it('logs an error line from QEMU and an exit nobody asked for at warn, and says why it quit', async () => {
    const { log, lines } = captureLog('info');
    const changes: ProcessChange[] = [];
    const qemu = new ManagedProcess({
      vmId: 'broken',
      dir: vmRuntimeDir(dir, 'broken'),
      launcher: configLauncher({ args: [...QEMU_BASE_ARGS, '-device', 'no-such-device'] }),
      log,
      onChange: (change) => changes.push(change),
    });
    await qemu.start();
    await waitFor(() => !qemu.running, 'QEMU to give up');
    const complaint = await waitFor(
      () => lines.find((line) => line.stream === 'qemu.log' && /no-such-device/.test(line.msg)),
      'QEMU complaining',
    );
    expect(complaint).toMatchObject({ level: LEVEL.warn, vm: 'broken' });
    expect(changes.at(-1)?.message).toMatch(/^QEMU exited with code 1: qemu-system-x86_64: .*no-such-device/);
    expect(lines.find((line) => /^QEMU exited with code 1/.test(line.msg))).toMatchObject({
      level: LEVEL.warn,
    });
    await qemu.stop();
  });

  it('tells chatter from trouble, and redacts secret-bearing option values', () => {
    expect(qemuOutputLevel('qemu-system-x86_64: terminating on signal 15 from pid 42 (node)')).toBe('info');
    expect(qemuOutputLevel('VNC server running on 127.0.0.1:5900')).toBe('info');
    expect(qemuOutputLevel("qemu-system-x86_64: -device x: 'x' is not a valid device model name")).toBe(
      'warn',
    );
    expect(qemuOutputLevel("qemu-system-x86_64: warning: host doesn't support requested feature")).toBe(
      'warn',
    );
    expect(qemuOutputLevel('Could not open option rom')).toBe('warn');
    expect(
      redactArgv(['-vnc', 'unix:/r/vnc.sock,password=on', '-spice', 'port=5930,password-secret=s0']),
    ).toEqual([
      '-vnc',
      'unix:/r/vnc.sock,password=[redacted]',
      '-spice',
      'port=5930,password-secret=[redacted]',
    ]);
    expect(redactArgv(['-m', '64', '-name', 'demo,debug-threads=on'])).toEqual([
      '-m',
      '64',
      '-name',
      'demo,debug-threads=on',
    ]);
  });
});
