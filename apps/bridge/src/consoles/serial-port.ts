/**
 * One serial port of a VM, held by the bridge: QEMU's socket chardev serves one client at a time (a second is
 * queued, not refused), so the bridge keeps that one connection and shares it. Everything the guest writes goes to
 * the terminal screen (the replay for newcomers), the port's capped log on disk and every viewer; what viewers
 * allowed to type send goes to the guest. The connection comes back by itself, with the project's backoff, when
 * QEMU restarts or the socket appears late; the screen and the log carry on across.
 */
import { createConnection, type Socket } from 'node:net';
import { Backoff } from '@qmpdeck/qmp';
import type { WebSocket } from 'ws';
import type { Logger } from '../log.ts';
import type { RotatingLog } from './rotating-log.ts';
import { SerialViewer } from './serial-viewer.ts';
import { TerminalScreen, type TerminalScreenOptions } from './terminal-screen.ts';

export interface SerialPortOptions {
  vmId: string;
  /** The chardev id (`serial0`). */
  name: string;
  socketPath: string;
  log: Logger;
  logFile: RotatingLog;
  screen?: TerminalScreenOptions | undefined;
  minRetryMs?: number | undefined;
  maxRetryMs?: number | undefined;
  maxViewerBufferedBytes?: number | undefined;
}

export class SerialPort {
  readonly name: string;
  readonly #options: SerialPortOptions;
  readonly #screen: TerminalScreen;
  readonly #backoff: Backoff;
  readonly #viewers = new Set<SerialViewer>();
  /** Viewers paused because the port's socket was full; resumed when it drains. */
  readonly #paused = new Set<SerialViewer>();
  #socketPath: string;
  /** The connection being made or held; null while waiting to retry or stopped. */
  #socket: Socket | null = null;
  #connected = false;
  #retry: NodeJS.Timeout | undefined;
  #stopped = true;
  #failures = 0;

  constructor(options: SerialPortOptions) {
    this.name = options.name;
    this.#options = options;
    this.#socketPath = options.socketPath;
    this.#screen = new TerminalScreen(options.screen);
    this.#backoff = new Backoff({ minMs: options.minRetryMs ?? 100, maxMs: options.maxRetryMs ?? 2000 });
  }

  get socketPath(): string {
    return this.#socketPath;
  }

  /** Holding QEMU's end now. */
  get connected(): boolean {
    return this.#connected;
  }

  get viewerCount(): number {
    return this.#viewers.size;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#connect();
  }

  /** QEMU serves the port elsewhere now (a restart in a new directory): reconnect there. */
  retarget(socketPath: string): void {
    if (socketPath === this.#socketPath) return;
    this.#socketPath = socketPath;
    this.#backoff.reset();
    this.#dropConnection();
    if (!this.#stopped) this.#connect();
  }

  /** The port is gone (QEMU no longer has it, or the bridge stops): viewers are told, the log is flushed. */
  async stop(reason: string): Promise<void> {
    this.#stopped = true;
    this.#dropConnection();
    for (const viewer of [...this.#viewers]) viewer.close(1001, reason);
    this.#screen.dispose();
    await this.#options.logFile.flushed();
  }

  /** A browser joins: it gets the current screen, then live bytes. */
  attach(ws: WebSocket, viewer: { id: string; input: boolean }): SerialViewer {
    const attached = new SerialViewer(ws, {
      ...viewer,
      maxBufferedBytes: this.#options.maxViewerBufferedBytes,
      onInput: (bytes) => this.#input(attached, bytes),
      onClose: (gone) => {
        this.#viewers.delete(gone);
        this.#paused.delete(gone);
      },
    });
    this.#viewers.add(attached);
    void this.#screen.snapshot().then((screen) => attached.replay(screen));
    return attached;
  }

  /** Everything the port's log keeps, oldest first. */
  readLog(): Promise<Buffer> {
    return this.#options.logFile.read();
  }

  /** Bytes for the guest; false when the socket is full (the viewer pauses until it drains). */
  #input(viewer: SerialViewer, bytes: Buffer): boolean {
    // Not connected: QEMU would not have kept them either (a chardev without a client drops what it is sent).
    if (!this.#connected || this.#socket === null) return true;
    if (this.#socket.write(bytes)) return true;
    this.#paused.add(viewer);
    return false;
  }

  #output(chunk: Buffer): void {
    this.#screen.write(chunk);
    this.#options.logFile.write(chunk);
    for (const viewer of this.#viewers) viewer.send(chunk);
  }

  #connect(): void {
    clearTimeout(this.#retry);
    const socket = createConnection(this.#socketPath);
    this.#socket = socket;
    socket.on('connect', () => {
      this.#connected = true;
      this.#backoff.reset();
      this.#failures = 0;
      this.#options.log.debug({ vm: this.#options.vmId, port: this.name }, 'serial port connected');
    });
    socket.on('data', (chunk: Buffer) => this.#output(chunk));
    socket.on('drain', () => {
      for (const viewer of this.#paused) viewer.resume();
      this.#paused.clear();
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      // The close that follows retries; say why once per run of failures, not at every retry.
      if (this.#failures++ === 0) {
        this.#options.log.debug(
          { vm: this.#options.vmId, port: this.name, code: err.code },
          'serial port unreachable',
        );
      }
    });
    socket.on('close', () => {
      if (this.#socket !== socket) return;
      if (this.#connected) {
        this.#options.log.debug({ vm: this.#options.vmId, port: this.name }, 'serial port connection ended');
      }
      this.#socket = null;
      this.#connected = false;
      this.#resumePaused();
      if (!this.#stopped) this.#retry = setTimeout(() => this.#connect(), this.#backoff.next());
    });
  }

  #dropConnection(): void {
    clearTimeout(this.#retry);
    const socket = this.#socket;
    this.#socket = null;
    this.#connected = false;
    socket?.destroy();
    this.#resumePaused();
  }

  /** Nothing will drain a socket that is gone: let paused viewers go on (their bytes are dropped meanwhile). */
  #resumePaused(): void {
    for (const viewer of this.#paused) viewer.resume();
    this.#paused.clear();
  }
}
