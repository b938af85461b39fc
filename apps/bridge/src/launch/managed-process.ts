/**
 * One QEMU process the bridge launches itself, which outlives the bridge. Its arguments go to spawn as an argv
 * array (never a shell), planned by its `Launcher` just before each start; the process adds QMP on a socket in
 * its runtime directory and `-pidfile` beside it. It runs in a session of its own (not the bridge's process group,
 * so neither a Ctrl-C in the bridge's terminal nor systemd's stop of the bridge reaches it), with its output going
 * to `qemu.log` there, never to a pipe that would die with the bridge.
 *
 * A bridge that starts again takes such a QEMU back (`reattach`): the pidfile names a live process whose command
 * line names our socket. That QEMU is not the bridge's child, so its exit is seen by `/proc/<pid>` disappearing,
 * looked at only once its QMP connection closed (`exitedWithin`); its exit code is not known.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { ProcessInfo } from '@qmpdeck/protocol';
import { toErrorBody } from '../bridge-error.ts';
import type { Logger } from '../log.ts';
import type { Launcher } from './launcher.ts';
import { findRunningQemu, goneWithin } from './process-probe.ts';
import { QemuLog } from './qemu-log.ts';
import { qemuOutputLevel } from './qemu-output.ts';
import { redactArgv } from './redact-argv.ts';
import { removeRuntimeDir } from './runtime-dir.ts';

/** Signals QEMU raises on itself when it fails (an assertion, a bad pointer), as opposed to being stopped. */
const CRASH_SIGNALS: ReadonlySet<NodeJS.Signals> = new Set([
  'SIGABRT',
  'SIGSEGV',
  'SIGBUS',
  'SIGILL',
  'SIGFPE',
]);

export { DEFAULT_QEMU_BINARY } from './launcher.ts';

export const QMP_SOCKET_FILE = 'qmp.sock';
export const PID_FILE = 'qemu.pid';
const STOP_GRACE_MS = 2000;
/** How long a signalled QEMU that is not our child may take to disappear from /proc. */
const ADOPTED_EXIT_MS = 10_000;

export interface ProcessChange {
  info: ProcessInfo;
  /** Words for people when the process could not start or ended. */
  message: string | null;
  /** The process is one an earlier bridge launched, found running and taken back. */
  reattached?: boolean;
}

export interface ManagedProcessOptions {
  vmId: string;
  /** The VM's runtime directory (vmRuntimeDir): its sockets, pidfile and log. */
  dir: string;
  launcher: Launcher;
  log: Logger;
  onChange: (change: ProcessChange) => void;
}

/** Our own child, or a QEMU an earlier bridge launched and this one took back. */
type Running =
  | { kind: 'child'; pid: number; child: ChildProcess; exited: Promise<void> }
  | { kind: 'adopted'; pid: number };

export class ManagedProcess {
  readonly vmId: string;
  readonly dir: string;
  readonly socketPath: string;
  readonly pidPath: string;
  readonly #launcher: Launcher;
  readonly #log: Logger;
  readonly #onChange: (change: ProcessChange) => void;
  readonly #output: QemuLog;
  #running: Running | null = null;
  /** The child of the latest spawn: an exit of any older one (a QEMU let go of) is not news. */
  #spawned: ChildProcess | null = null;
  /** A start is being planned or spawned: a second one waits for it instead of launching another QEMU. */
  #starting: Promise<void> | null = null;
  #info: ProcessInfo = { state: 'exited', pid: null, exitCode: null, signal: null };
  #message: string | null = null;
  /** The bridge sent the signal (kill, stop): the exit is news, not trouble. */
  #exitRequested: NodeJS.Signals | null = null;
  /** The bridge let go of the process (it stops, the QEMU keeps running): its later exit is not ours to tell. */
  #detached = false;
  #startedAt = 0;
  #binary = '';

  constructor(options: ManagedProcessOptions) {
    this.vmId = options.vmId;
    this.dir = options.dir;
    this.socketPath = join(this.dir, QMP_SOCKET_FILE);
    this.pidPath = join(this.dir, PID_FILE);
    this.#launcher = options.launcher;
    this.#log = options.log;
    this.#onChange = options.onChange;
    this.#output = new QemuLog(this.dir, (line) => this.#outputLine(line));
  }

  get info(): ProcessInfo {
    return this.#info;
  }

  get message(): string | null {
    return this.#message;
  }

  get running(): boolean {
    return this.#running !== null;
  }

  /** The running QEMU's pid, whoever launched it. */
  get pid(): number | null {
    return this.#running?.pid ?? null;
  }

  /** When the running (or last) QEMU was spawned or taken back, ms since the epoch. */
  get startedAt(): number {
    return this.#startedAt;
  }

  /** The binary of the last start. */
  get binary(): string {
    return this.#binary;
  }

  /**
   * Whether the running QEMU exits within `ms` (true at once when none runs): a QMP connection that ends is either
   * QEMU going away, or a link problem to retry. Our child's exit settles it at once; a QEMU taken back is looked
   * for in /proc until then.
   */
  async exitedWithin(ms: number): Promise<boolean> {
    const running = this.#running;
    if (!running) return true;
    if (running.kind === 'adopted') {
      const gone = await goneWithin(running.pid, ms);
      if (gone) this.#adoptedExited(running);
      return gone;
    }
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    });
    const exited = await Promise.race([running.exited.then(() => true as const), gaveUp]);
    clearTimeout(timer);
    return exited;
  }

  /**
   * At bridge start: takes back the QEMU an earlier bridge launched for this VM, if it still runs. True when it
   * did (the process then reads `running`, with `reattached` in its change).
   */
  reattach(): boolean {
    if (this.#running) return true;
    const pid = findRunningQemu(this.pidPath, this.socketPath);
    if (pid === null) return false;
    this.#detached = false;
    this.#exitRequested = null;
    this.#running = { kind: 'adopted', pid };
    this.#startedAt = Date.now();
    this.#output.follow();
    this.#log.info({ vm: this.vmId, pid }, 'QEMU still running; taken back');
    this.#set({ state: 'running', pid, exitCode: null, signal: null }, null, true);
    return true;
  }

  /** Plans and spawns QEMU unless it already runs. Resolves once it has started or failed to. */
  start(extraArgs: readonly string[] = []): Promise<void> {
    if (this.#running) return Promise.resolve();
    this.#starting ??= this.#start(extraArgs).finally(() => {
      this.#starting = null;
    });
    return this.#starting;
  }

  /** Sends a signal and waits until the process has exited. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const running = this.#running;
    if (!running) return;
    this.#exitRequested = signal;
    if (running.kind === 'child') {
      running.child.kill(signal);
      await running.exited;
      return;
    }
    try {
      process.kill(running.pid, signal);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
    await this.exitedWithin(ADOPTED_EXIT_MS);
  }

  /**
   * For a bridge that stops its VMs with itself (`stopVmsOnExit`): SIGTERM lets QEMU close cleanly; SIGKILL if it
   * lingers. Removes the runtime directory.
   */
  async stop(): Promise<void> {
    if (this.#running) {
      const timer = setTimeout(() => void this.kill('SIGKILL'), STOP_GRACE_MS);
      await this.kill('SIGTERM');
      clearTimeout(timer);
    }
    this.#output.stop();
    removeRuntimeDir(this.dir);
  }

  /** For a bridge that stops and leaves its VMs running: stops watching; the next bridge takes the QEMU back. */
  detach(): void {
    this.#detached = true;
    this.#output.stop();
    if (this.#running?.kind === 'child') this.#running.child.unref();
  }

  /** `extraArgs` for this start only (a restore's `-incoming defer`). */
  async #start(extraArgs: readonly string[]): Promise<void> {
    this.#exitRequested = null;
    this.#detached = false;
    this.#startedAt = Date.now();
    this.#set({ state: 'starting', pid: null, exitCode: null, signal: null }, null);
    let plan: Awaited<ReturnType<Launcher['plan']>>;
    try {
      plan = await this.#launcher.plan(this.dir);
    } catch (err) {
      const { desc } = toErrorBody(err).body;
      this.#log.warn({ vm: this.vmId, err }, `QEMU not started: ${desc}`);
      this.#set({ state: 'failed', pid: null, exitCode: null, signal: null }, desc);
      return;
    }
    this.#binary = plan.binary;
    const argv = [
      ...plan.args,
      ...extraArgs,
      ...['-qmp', `unix:${this.socketPath},server=on,wait=off`],
      ...['-pidfile', this.pidPath],
    ];
    rmSync(this.pidPath, { force: true });
    const fd = this.#output.openForQemu();
    this.#output.follow();
    let child: ChildProcess;
    try {
      // A session of its own (setsid): no signal meant for the bridge's terminal or service reaches it.
      child = spawn(plan.binary, argv, { stdio: ['ignore', fd, fd], shell: false, detached: true });
    } finally {
      // spawn has handed the descriptor to the child by the time it returns.
      closeSync(fd);
    }
    this.#spawned = child;
    const exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        this.#childExited(child, code, signal);
        resolve();
      });
    });
    try {
      // once() rejects when 'error' comes first: that is how a missing binary shows.
      await once(child, 'spawn');
    } catch (err) {
      this.#output.stop();
      const code = (err as NodeJS.ErrnoException).code;
      const message =
        code === 'ENOENT'
          ? `QEMU binary "${plan.binary}" not found: install QEMU (Debian: apt install qemu-system-x86) or set launch.binary`
          : `could not start ${plan.binary}: ${(err as Error).message}`;
      this.#log.error({ vm: this.vmId, err }, message);
      this.#set({ state: 'failed', pid: null, exitCode: null, signal: null }, message);
      return;
    }
    child.on('error', (err) => this.#log.error({ vm: this.vmId, err }, 'QEMU process error'));
    const pid = child.pid as number;
    // Exited already (a bad argument): its exit handler has run or will, and says why.
    if (child.exitCode !== null || child.signalCode !== null) return;
    this.#running = { kind: 'child', pid, child, exited };
    this.#log.info({ vm: this.vmId, pid, binary: plan.binary }, 'QEMU started');
    this.#log.debug({ vm: this.vmId, pid, argv: redactArgv(argv) }, 'QEMU command line');
    this.#set({ state: 'running', pid, exitCode: null, signal: null }, null);
  }

  #childExited(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child !== this.#spawned) return;
    this.#spawned = null;
    this.#running = null;
    if (this.#detached) return;
    this.#output.drain();
    this.#output.stop();
    const how = signal ? `QEMU was killed by ${signal}` : `QEMU exited with code ${code}`;
    // Only QEMU's own failure is explained by its last words: after a signal from outside its last line is chatter
    // ("VNC server running on ...") that has nothing to do with why it ended. A crash (an assertion's SIGABRT, a
    // SIGSEGV) is QEMU's own failure: its report, when it wrote one, says why.
    const why =
      signal === null
        ? code !== 0
          ? this.#why(false)
          : null
        : CRASH_SIGNALS.has(signal)
          ? this.#why(true)
          : null;
    const fields = { vm: this.vmId, pid: child.pid, code, signal };
    if (this.#exitRequested !== null || code === 0) this.#log.info(fields, 'VM shut off');
    else this.#log.warn(fields, signal ? `${how} (not by the bridge)` : how);
    this.#set({ state: 'exited', pid: null, exitCode: code, signal }, why ? `${how}: ${why}` : how);
  }

  /** A QEMU taken back has gone: its code is unknown, unless we sent the signal; its log may say why. */
  #adoptedExited(running: Running): void {
    if (this.#running !== running) return;
    this.#running = null;
    if (this.#detached) return;
    this.#output.drain();
    this.#output.stop();
    const signal = this.#exitRequested;
    const why = signal === null ? this.#why(true) : null;
    const how = signal ? `QEMU was killed by ${signal}` : 'QEMU exited';
    this.#log.info({ vm: this.vmId, pid: running.pid, signal }, 'VM shut off');
    this.#set({ state: 'exited', pid: null, exitCode: null, signal }, why ? `${how}: ${why}` : how);
  }

  /**
   * What best says why QEMU quit: its last error report ("qemu-system-x86_64: unsupported machine type") with
   * the hint lines after it ("Use -machine help ..."), else its last complaint, else its last line. `troubleOnly`:
   * only a line that reads like trouble (the exit code is not known to tell a failure from a clean end).
   */
  #why(troubleOnly: boolean): string | null {
    const words = this.#output.lastWords;
    const prefix = `${basename(this.#binary || 'qemu-system-x86_64')}: `;
    const report = words.findLastIndex(
      (line) => line.startsWith(prefix) && !/terminating on signal/.test(line),
    );
    const complaint = words.findLast((line) => qemuOutputLevel(line) === 'warn');
    let why: string | undefined;
    if (troubleOnly) why = complaint;
    else why = report >= 0 ? words.slice(report).join(' ') : (complaint ?? words.at(-1));
    return why === undefined ? null : why.slice(0, 300);
  }

  #outputLine(line: string): void {
    if (line.trim() === '') return;
    this.#log[qemuOutputLevel(line)]({ vm: this.vmId, stream: 'qemu.log' }, line);
  }

  #set(info: ProcessInfo, message: string | null, reattached = false): void {
    this.#info = info;
    this.#message = message;
    this.#onChange(reattached ? { info, message, reattached } : { info, message });
  }
}
