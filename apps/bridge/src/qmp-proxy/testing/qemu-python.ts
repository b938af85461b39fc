/** Runs QEMU's own Python QMP tools (fetched by scripts/setup.sh; see demo/README.md) in a test, argv only. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  findQemuPython,
  NOT_FETCHED_REASON,
  type QemuPython,
  qemuPythonEnv,
} from '../../../../../demo/qemu-python/cache.ts';

export const SESSION_SCRIPT = fileURLToPath(new URL('./qemu-qmp-session.py', import.meta.url));
export { NOT_FETCHED_REASON };

export const qemuPython: QemuPython | null = findQemuPython();

export interface PythonRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `python3 argv...` with qemu.qmp importable and a throwaway HOME (qmp-shell writes its history there). */
export function runPython(argv: string[], input = '', timeoutMs = 30_000): Promise<PythonRun> {
  if (qemuPython === null) throw new Error(NOT_FETCHED_REASON);
  const home = mkdtempSync(join(tmpdir(), 'qmpdeck-python-home-'));
  return new Promise((resolve, reject) => {
    const child = spawn('python3', argv, {
      env: qemuPythonEnv(qemuPython as QemuPython, { ...process.env, HOME: home }),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      rmSync(home, { recursive: true, force: true });
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input);
  });
}
