/**
 * Screen thumbnails (`GET /api/vms/:id/screenshot`): a PNG from QEMU's `screendump` into a file in a directory the
 * bridge owns (never a path from the request), read back and removed.
 *
 * Cost is bounded by the VM, not by the number of people looking: at most one screendump per VM every
 * `minIntervalMs` (2 s), requests meanwhile share the one in progress or the last result, and nothing runs while
 * nobody asks (no timer). Each screendump goes through the command pipeline as the bridge's own actor, because one
 * serves everybody who asks within the interval; each of them was authorized first as themselves (`console.view`).
 */
import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Actor } from '@qmpdeck/protocol';
import { BridgeErrorClass } from '@qmpdeck/protocol';
import type { Principal } from '../auth/principal.ts';
import { BridgeError } from '../bridge-error.ts';
import type { CommandPipeline } from '../commands/command-pipeline.ts';
import { BRIDGE_CLIENT } from '../commands/command-request.ts';
import { createRuntimeDir, removeRuntimeDir } from '../launch/runtime-dir.ts';

export const DEFAULT_SCREENSHOT_INTERVAL_MS = 2000;
const SCREENDUMP_TIMEOUT_MS = 10_000;
/** QEMU's words when the VM has no graphics device (consoles-devices-jobs.md §1). */
const NO_CONSOLE = 'There is no console to take a screendump from';

export const SCREENSHOT_ACTOR: Actor = {
  client: BRIDGE_CLIENT,
  user: null,
  origin: 'screenshot',
  remote: null,
};

/**
 * The bridge as the principal of its shared screendump: no user, every VM. The policy allows it as it allows a
 * bridge without users; the people it serves were each authorized as themselves before (`console.view`, scope).
 */
export const SCREENSHOT_PRINCIPAL: Principal = Object.freeze({
  user: null,
  vms: null,
  via: 'none',
  sessionKey: null,
});

export interface Screenshot {
  png: Buffer;
  /** A strong ETag: a hash of the PNG, quoted. */
  etag: string;
  takenAt: number;
}

interface VmShots {
  /** The last outcome (a screenshot or the error) and when it was asked for. */
  last: { at: number; outcome: Promise<Screenshot> } | null;
}

export interface ScreenshotsOptions {
  pipeline: CommandPipeline;
  /** Where the bridge makes its own directory (0700) for the files QEMU writes, at the first screenshot. */
  runtimeBase?: string | undefined;
  minIntervalMs?: number | undefined;
  now?: () => number;
}

export class Screenshots {
  readonly #options: ScreenshotsOptions;
  readonly #interval: number;
  readonly #now: () => number;
  readonly #vms = new Map<string, VmShots>();
  #dir: string | null = null;
  #files = 0;
  /** Screendumps sent to QEMU so far (for tests and the bench). */
  taken = 0;

  constructor(options: ScreenshotsOptions) {
    this.#options = options;
    this.#interval = options.minIntervalMs ?? DEFAULT_SCREENSHOT_INTERVAL_MS;
    this.#now = options.now ?? Date.now;
  }

  /**
   * The VM's screen, at most `minIntervalMs` old: the one being taken, the last one, or a new one. Rejects with
   * `NoDisplay` (404) for a VM without a graphics device, or the pipeline's error.
   */
  take(vmId: string): Promise<Screenshot> {
    let shots = this.#vms.get(vmId);
    if (!shots) {
      shots = { last: null };
      this.#vms.set(vmId, shots);
    }
    const now = this.#now();
    if (shots.last && now - shots.last.at < this.#interval) return shots.last.outcome;
    const outcome = this.#dump(vmId);
    // Failures are kept for the interval too, so a VM without a display costs one screendump per interval.
    outcome.catch(() => {});
    shots.last = { at: now, outcome };
    return outcome;
  }

  /** Removes the directory, when one was made. */
  dispose(): void {
    if (this.#dir !== null) removeRuntimeDir(this.#dir);
    this.#dir = null;
  }

  async #dump(vmId: string): Promise<Screenshot> {
    this.#dir ??= createRuntimeDir('screens', this.#options.runtimeBase);
    const filename = join(this.#dir, `screen-${++this.#files}.png`);
    this.taken++;
    try {
      await this.#options.pipeline
        .run({
          vm: vmId,
          target: 'qmp',
          command: 'screendump',
          arguments: { filename, format: 'png' },
          actor: SCREENSHOT_ACTOR,
          principal: SCREENSHOT_PRINCIPAL,
          timeoutMs: SCREENDUMP_TIMEOUT_MS,
        })
        .catch((err: unknown) => {
          throw asNoDisplay(withoutPath(err, filename));
        });
      const png = await readFile(filename);
      return { png, etag: `"${createHash('sha256').update(png).digest('base64url')}"`, takenAt: this.#now() };
    } finally {
      await rm(filename, { force: true });
    }
  }
}

/** QEMU's error naming the file it could not write, told without the bridge's paths (the class stays QEMU's). */
export class ScreendumpError extends Error {
  override readonly name = 'ScreendumpError';
  readonly class: string;

  constructor(
    errorClass: string,
    readonly desc: string,
  ) {
    super(desc);
    this.class = errorClass;
  }
}

function withoutPath(err: unknown, filename: string): unknown {
  const { class: errorClass, desc } = err as { class?: unknown; desc?: unknown };
  if (typeof errorClass !== 'string' || typeof desc !== 'string' || !desc.includes(filename)) return err;
  return new ScreendumpError(errorClass, desc.replaceAll(filename, 'the screenshot file'));
}

function asNoDisplay(err: unknown): unknown {
  const desc = (err as { desc?: unknown }).desc;
  if (typeof desc === 'string' && desc.includes(NO_CONSOLE)) {
    return new BridgeError(
      BridgeErrorClass.NoDisplay,
      'the VM has no graphics device to take a screenshot of (QEMU: "There is no console to take a screendump from")',
      404,
    );
  }
  return err;
}

/** Whether an `If-None-Match` header names this ETag (a list, `W/` weak forms, or `*`). */
export function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  return ifNoneMatch
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === '*' || tag === etag);
}
