/**
 * A private directory per managed VM for its QMP socket and whatever `{dir}`
 * the user's arguments put there. mkdtemp creates it with mode 0700, so no other
 * local user can reach the QMP socket inside.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function runtimeBase(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_RUNTIME_DIR;
  return xdg && existsSync(xdg) ? xdg : tmpdir();
}

export function createRuntimeDir(vmId: string, base = runtimeBase()): string {
  return mkdtempSync(join(base, `qmpdeck-${vmId.slice(0, 32)}-`));
}

export function removeRuntimeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
