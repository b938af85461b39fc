/**
 * One bridge per runtime root. Two bridges on the same root would both take back the same QEMUs (one of them
 * then finds the monitor busy) and both start the autostart VMs; so the first to manage a VM there writes its pid
 * to `<root>/bridge.pid`, and another finds it alive and refuses. A pidfile left by a bridge that was killed names a
 * process that is gone (or is not node), and is taken over.
 */

import { closeSync, constants, openSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { commandLineOf, isAlive, readPidfile } from './process-probe.ts';
import { privateDir } from './runtime-dir.ts';

export class RuntimeRootBusy extends Error {
  override readonly name = 'RuntimeRootBusy';
}

export class RuntimeRoot {
  readonly lockPath: string;
  #claimed = false;

  constructor(readonly path: string) {
    this.lockPath = join(path, 'bridge.pid');
  }

  /** Makes the root ours (idempotent); throws RuntimeRootBusy while another bridge holds it. */
  claim(): void {
    if (this.#claimed) return;
    privateDir(this.path);
    const holder = readPidfile(this.lockPath);
    if (holder !== null && holder !== process.pid && isBridge(holder)) {
      throw new RuntimeRootBusy(
        `another bridge (pid ${holder}) manages the VMs in ${this.path}; stop it, or give this one its own "runtimeDir"`,
      );
    }
    const fd = openSync(
      this.lockPath,
      constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW,
      0o600,
    );
    try {
      writeFileSync(fd, `${process.pid}\n`);
    } finally {
      closeSync(fd);
    }
    this.#claimed = true;
  }

  release(): void {
    if (!this.#claimed) return;
    this.#claimed = false;
    // Only our own claim: a bridge that took over meanwhile keeps its.
    if (readPidfile(this.lockPath) === process.pid) rmSync(this.lockPath, { force: true });
  }
}

function isBridge(pid: number): boolean {
  if (!isAlive(pid)) return false;
  const program = commandLineOf(pid)?.[0];
  return program !== undefined && basename(program).startsWith('node');
}
