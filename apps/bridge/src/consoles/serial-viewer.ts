/**
 * One browser watching a serial port (`GET /api/vms/:id/serial/:name`). It first gets the port's screen as it is
 * (the replay), then every byte the guest writes; bytes that arrive while the replay is being made wait in its own
 * queue, so nothing is missed or doubled. Its buffer is bounded: a viewer that falls that far behind is closed
 * (1008 `SlowConsumer`) instead of holding everyone's memory, and it reconnects to a fresh replay. What it types
 * goes to the port only when the connection was allowed `serial.input`; a viewer's bytes are counted and dropped.
 */
import type { WebSocket } from 'ws';

/** Bytes waiting for one viewer (queued during its replay, or unsent in its socket) before it is dropped. */
export const DEFAULT_MAX_VIEWER_BUFFER = 1024 * 1024;
/** How long a dropped viewer may take to read its close frame before its socket is cut. */
const CLOSE_GRACE_MS = 2000;

export interface SerialViewerOptions {
  id: string;
  /** May this connection type into the port? */
  input: boolean;
  maxBufferedBytes?: number | undefined;
  /** Bytes the viewer typed (only when `input`); false asks it to pause until `resume()`. */
  onInput: (bytes: Buffer) => boolean;
  onClose: (viewer: SerialViewer) => void;
}

export class SerialViewer {
  readonly id: string;
  readonly input: boolean;
  readonly #ws: WebSocket;
  readonly #options: SerialViewerOptions;
  readonly #max: number;
  #replaying = true;
  #queued: Buffer[] = [];
  #queuedBytes = 0;
  #closed = false;
  /** Frames from a viewer without `serial.input`, dropped. */
  droppedInput = 0;

  constructor(ws: WebSocket, options: SerialViewerOptions) {
    this.id = options.id;
    this.input = options.input;
    this.#ws = ws;
    this.#options = options;
    this.#max = options.maxBufferedBytes ?? DEFAULT_MAX_VIEWER_BUFFER;
    ws.on('message', (data: Buffer) => this.#typed(data));
    ws.on('close', () => this.#ended());
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The port's screen: sent first, then whatever came meanwhile, then live bytes. */
  replay(screen: string): void {
    if (this.#closed || !this.#replaying) return;
    this.#replaying = false;
    this.#send(Buffer.from(screen, 'utf8'));
    const queued = this.#queued;
    this.#queued = [];
    this.#queuedBytes = 0;
    for (const chunk of queued) this.#send(chunk);
  }

  /** Bytes the guest wrote. */
  send(chunk: Buffer): void {
    if (this.#closed) return;
    if (this.#replaying) {
      this.#queued.push(chunk);
      this.#queuedBytes += chunk.length;
      if (this.#queuedBytes > this.#max) this.#tooSlow();
      return;
    }
    this.#send(chunk);
  }

  /** The port can take input again. */
  resume(): void {
    this.#ws.resume();
  }

  close(code: number, reason: string): void {
    if (this.#closed) return;
    this.#ended();
    this.#ws.close(code, reason);
    setTimeout(() => this.#ws.terminate(), CLOSE_GRACE_MS).unref();
  }

  #send(chunk: Buffer): void {
    this.#ws.send(chunk, { binary: true });
    if (this.#ws.bufferedAmount > this.#max) this.#tooSlow();
  }

  #tooSlow(): void {
    this.close(1008, `SlowConsumer: more than ${this.#max} bytes behind; reconnect for the current screen`);
  }

  #typed(data: Buffer): void {
    if (this.#closed) return;
    if (!this.input) {
      this.droppedInput++;
      return;
    }
    if (!this.#options.onInput(data)) this.#ws.pause();
  }

  #ended(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#queued = [];
    this.#options.onClose(this);
  }
}
