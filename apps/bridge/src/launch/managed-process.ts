/**
 * One QEMU process the bridge launches itself. Arguments go to spawn as an argv
 * array (never a shell); `{dir}` in them is the VM's private runtime directory,
 * and QMP is added on a unix socket inside it. stderr and stdout lines go to the log.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { ProcessInfo } from '@qmpdeck/protocol';
import type { LaunchConfig } from '../config/schema.ts';
import type { Logger } from '../log.ts';
import { qemuOutputLevel } from './qemu-output.ts';
import { redactArgv } from './redact-argv.ts';
import { createRuntimeDir, removeRuntimeDir } from './runtime-dir.ts';

export const DEFAULT_QEMU_BINARY = 'qemu-system-x86_64';
const STOP_GRACE_MS = 2000;
/** After exit, how long QEMU's last words may take to come out of the pipe (a grandchild may hold it open). */
const OUTPUT_DRAIN_MS = 1000;
/** stderr lines kept to explain an exit. */
const LAST_WORDS = 5;

export interface ProcessChange {
  info: ProcessInfo;
  /** Words for people when the process could not start or ended. */
  message: string | null;
}

export class ManagedProcess {
  readonly dir: string;
  readonly socketPath: string;
  #child: ChildProcess | null = null;
  #info: ProcessInfo = { state: 'exited', pid: null, exitCode: null, signal: null };
  #message: string | null = null;
  /** The bridge sent the signal (kill, stop): the exit is news, not trouble. */
  #exitRequested = false;
  /** Resolves once the running child's exit has been handled (its state and message set). */
  #exitHandled: Promise<void> = Promise.resolve();
  /** QEMU's latest stderr lines: why it quit, for the VM's message. */
  #lastWords: string[] = [];
  /** Resolves when the running child has exited (its 'exit', before its output is drained). */
  #exitSeen: Promise<void> = Promise.resolve();
  #startedAt = 0;

  constructor(
    readonly vmId: string,
    readonly launch: LaunchConfig,
    readonly log: Logger,
    readonly onChange: (change: ProcessChange) => void,
    runtimeBase?: string,
  ) {
    this.dir = createRuntimeDir(vmId, runtimeBase);
    this.socketPath = join(this.dir, 'qmp.sock');
  }

  get info(): ProcessInfo {
    return this.#info;
  }

  get message(): string | null {
    return this.#message;
  }

  get running(): boolean {
    return this.#child !== null;
  }

  /** When the running (or last) QEMU was spawned, ms since the epoch. */
  get startedAt(): number {
    return this.#startedAt;
  }

  /**
   * Whether the running QEMU exits within `ms` (true at once when none runs): a QMP connection that ends is either
   * QEMU going away, or a link problem to retry. Settles on the child's own exit, so it is quick.
   */
  async exitedWithin(ms: number): Promise<boolean> {
    if (!this.#child) return true;
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    });
    const exited = await Promise.race([this.#exitSeen.then(() => true as const), gaveUp]);
    clearTimeout(timer);
    return exited;
  }

  get binary(): string {
    return this.launch.binary ?? DEFAULT_QEMU_BINARY;
  }

  argv(): string[] {
    const args = this.launch.args.map((arg) => arg.replaceAll('{dir}', this.dir));
    return [...args, '-qmp', `unix:${this.socketPath},server=on,wait=off`];
  }

  /** Spawns QEMU unless it already runs. Resolves once it has started or failed to. */
  async start(): Promise<void> {
    if (this.#child) return;
    // Its own process group and session: a Ctrl-C in the bridge's terminal reaches only the bridge, which then
    // stops its QEMUs in order (SIGTERM, then SIGKILL), instead of every QEMU quitting on its own at once.
    const child = spawn(this.binary, this.argv(), {
      stdio: ['ignore', 'pipe', 'pipe'],
      shell: false,
      detached: true,
    });
    this.#child = child;
    this.#startedAt = Date.now();
    this.#exitSeen = new Promise((resolve) => child.once('exit', () => resolve()));
    this.#exitRequested = false;
    this.#lastWords = [];
    this.#set({ state: 'starting', pid: null, exitCode: null, signal: null }, null);
    this.#pipeToLog(child);
    this.#exitHandled = this.#whenExited(child);
    try {
      // once() rejects when 'error' comes first: that is how a missing binary shows.
      await once(child, 'spawn');
    } catch (err) {
      this.#child = null;
      const code = (err as NodeJS.ErrnoException).code;
      const message =
        code === 'ENOENT'
          ? `QEMU binary "${this.binary}" not found: install QEMU (Debian: apt install qemu-system-x86) or set launch.binary`
          : `could not start ${this.binary}: ${(err as Error).message}`;
      this.log.error({ vm: this.vmId, err }, message);
      this.#set({ state: 'failed', pid: null, exitCode: null, signal: null }, message);
      return;
    }
    child.on('error', (err) => this.log.error({ vm: this.vmId, err }, 'QEMU process error'));
    this.log.info({ vm: this.vmId, pid: child.pid, binary: this.binary }, 'QEMU started');
    this.log.debug({ vm: this.vmId, pid: child.pid, argv: redactArgv(this.argv()) }, 'QEMU command line');
    this.#set({ state: 'running', pid: child.pid ?? null, exitCode: null, signal: null }, null);
  }

  /** Sends a signal and waits until the process has exited. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.#child;
    if (!child) return;
    const handled = this.#exitHandled;
    this.#exitRequested = true;
    child.kill(signal);
    await handled;
  }

  /** For bridge shutdown: SIGTERM lets QEMU close cleanly; SIGKILL if it lingers. Removes the runtime dir. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (child) {
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await this.kill('SIGTERM');
      clearTimeout(timer);
    }
    removeRuntimeDir(this.dir);
  }

  /** Handles the exit once QEMU's output is drained (or after a short wait), so its last words can explain it. */
  #whenExited(child: ChildProcess): Promise<void> {
    return new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        let done = false;
        const finish = () => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          this.#exited(child, code, signal);
          resolve();
        };
        const timer = setTimeout(finish, OUTPUT_DRAIN_MS);
        child.once('close', finish);
      });
    });
  }

  #exited(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.#child !== child) return;
    this.#child = null;
    const how = signal ? `QEMU was killed by ${signal}` : `QEMU exited with code ${code}`;
    // Only QEMU's own failure is explained by its last words: after a signal its last line is chatter ("VNC server
    // running on ...") that has nothing to do with why it ended.
    const why = signal === null && code !== 0 ? this.#why() : null;
    const fields = { vm: this.vmId, pid: child.pid, code, signal };
    if (this.#exitRequested || code === 0) this.log.info(fields, 'VM shut off');
    else this.log.warn(fields, signal ? `${how} (not by the bridge)` : how);
    this.#set({ state: 'exited', pid: null, exitCode: code, signal }, why ? `${how}: ${why}` : how);
  }

  /**
   * What best says why QEMU quit: its last error report ("qemu-system-x86_64: unsupported machine type") with
   * the hint lines after it ("Use -machine help ..."), else its last complaint, else its last line.
   */
  #why(): string | null {
    const words = this.#lastWords;
    const prefix = `${basename(this.binary)}: `;
    const report = words.findLastIndex((line) => line.startsWith(prefix));
    const why =
      report >= 0
        ? words.slice(report).join(' ')
        : (words.findLast((line) => qemuOutputLevel(line) === 'warn') ?? words.at(-1));
    return why === undefined ? null : why.slice(0, 300);
  }

  #pipeToLog(child: ChildProcess): void {
    for (const [stream, name] of [
      [child.stderr, 'stderr'],
      [child.stdout, 'stdout'],
    ] as const) {
      if (!stream) continue;
      createInterface({ input: stream }).on('line', (line) => {
        this.log[qemuOutputLevel(line)]({ vm: this.vmId, stream: name }, line);
        if (name === 'stderr' && line.trim() !== '') {
          this.#lastWords.push(line);
          if (this.#lastWords.length > LAST_WORDS) this.#lastWords.shift();
        }
      });
    }
  }

  #set(info: ProcessInfo, message: string | null): void {
    this.#info = info;
    this.#message = message;
    this.onChange({ info, message });
  }
}
