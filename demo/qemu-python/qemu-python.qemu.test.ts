/**
 * QEMU's own tools, as fetched, against a real QEMU (paused, no guest needed): the `qemu.qmp` asyncio client
 * connects, runs `query-status` and receives the RESUME event of a `cont`; `qmp-shell`, fed commands on stdin,
 * prints QEMU's answers and, on an empty line, the events it saw.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startQemu, type TestQemu } from '../../packages/qmp/src/testing/qemu.ts';
import { findQemuPython, NOT_FETCHED_REASON, qemuPythonEnv } from './cache.ts';

const found = findQemuPython();
if (found === null) console.warn(NOT_FETCHED_REASON);

/** Prints one JSON line per step, so the test reads what the Python client saw. */
const CLIENT_SCRIPT = `
import asyncio, json, sys
from qemu.qmp import QMPClient, EventListener

async def main(path):
    qmp = QMPClient('qmpdeck-test')
    await qmp.connect(path)
    print(json.dumps({'greeting': qmp.greeting.QMP.version['qemu']}))
    print(json.dumps({'status': await qmp.execute('query-status')}))
    listener = EventListener(('RESUME',))
    with qmp.listen(listener):
        await qmp.execute('cont')
        event = await asyncio.wait_for(listener.get(), 10)
        print(json.dumps({'event': event['event'], 'timestamp': event['timestamp']}))
    print(json.dumps({'status': await qmp.execute('query-status')}))
    await qmp.disconnect()

asyncio.run(main(sys.argv[1]))
`;

function runPython(
  argv: string[],
  env: NodeJS.ProcessEnv,
  input = '',
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', argv, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

describe.skipIf(found === null)("QEMU's own Python QMP tools", () => {
  let qemu: TestQemu;
  let home: string;
  beforeEach(async () => {
    qemu = await startQemu();
    // qmp-shell keeps its readline history in ~/.qmp-shell_history: not in the real home.
    home = mkdtempSync(join(tmpdir(), 'qmpdeck-qmp-shell-home-'));
  });
  afterEach(async () => {
    await qemu.dispose();
    rmSync(home, { recursive: true, force: true });
  });

  it('qemu.qmp.QMPClient runs query-status and receives the RESUME event of a cont', async () => {
    if (found === null) return;
    const result = await runPython(
      ['-c', CLIENT_SCRIPT, qemu.qmpPath],
      qemuPythonEnv(found, { ...process.env, HOME: home }),
    );
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toEqual([
      { greeting: { major: 7, minor: 2, micro: expect.any(Number) } },
      { status: { status: 'prelaunch', running: false, singlestep: false } },
      { event: 'RESUME', timestamp: { seconds: expect.any(Number), microseconds: expect.any(Number) } },
      { status: { status: 'running', running: true, singlestep: false } },
    ]);
  });

  it('qmp-shell runs commands piped to it and prints the events it saw', async () => {
    if (found === null) return;
    const result = await runPython(
      [found.qmpShell, qemu.qmpPath],
      qemuPythonEnv(found, { ...process.env, HOME: home }),
      'query-status\ncont\nquery-status\n\n',
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Welcome to the QMP low-level shell!\nConnected to QEMU 7\.2\.\d+\n/);
    expect(result.stdout).toContain(
      '{"return": {"status": "prelaunch", "singlestep": false, "running": false}}',
    );
    expect(result.stdout).toContain(
      '{"return": {"status": "running", "singlestep": false, "running": true}}',
    );
    // An empty line prints the pending events, as Python dicts.
    expect(result.stdout).toMatch(
      /\{'timestamp': \{'seconds': \d+, 'microseconds': \d+\}, 'event': 'RESUME'\}/,
    );
  });
});
