/**
 * What a serial port's terminal shows now, kept by a headless xterm.js fed every byte the guest writes, so a
 * newcomer can be shown the screen exactly (colours, cursor, a full-screen program) rather than a tail of raw bytes
 * that may start in the middle of an escape sequence. The serialize addon turns the screen back into the escape
 * sequences that draw it.
 *
 * xterm.js parses writes asynchronously but in order: `snapshot()` queues an empty write and serializes in its
 * callback, which runs after every byte written before it and before any byte written after it. So the snapshot
 * and the bytes that follow it join without a gap or an overlap.
 */
import serializeAddon from '@xterm/addon-serialize';
import headless from '@xterm/headless';

const { Terminal } = headless;
const { SerializeAddon } = serializeAddon;

export interface TerminalScreenOptions {
  cols?: number;
  rows?: number;
  /** Lines kept above the screen, and how many of them a snapshot carries. */
  scrollback?: number;
}

/** A serial console's usual size: what a guest assumes when nothing tells it otherwise. */
export const DEFAULT_COLS = 80;
export const DEFAULT_ROWS = 24;
export const DEFAULT_SCROLLBACK = 200;

export class TerminalScreen {
  readonly #terminal: InstanceType<typeof Terminal>;
  readonly #serializer: InstanceType<typeof SerializeAddon>;
  readonly #scrollback: number;

  constructor(options: TerminalScreenOptions = {}) {
    this.#scrollback = options.scrollback ?? DEFAULT_SCROLLBACK;
    this.#terminal = new Terminal({
      cols: options.cols ?? DEFAULT_COLS,
      rows: options.rows ?? DEFAULT_ROWS,
      scrollback: this.#scrollback,
      allowProposedApi: true,
    });
    this.#serializer = new SerializeAddon();
    this.#terminal.loadAddon(this.#serializer);
  }

  write(data: Uint8Array): void {
    this.#terminal.write(data);
  }

  /** The screen (and its scrollback) as escape sequences, once everything written before this call is on it. */
  snapshot(): Promise<string> {
    return new Promise((resolve) => {
      this.#terminal.write('', () => resolve(this.#serializer.serialize({ scrollback: this.#scrollback })));
    });
  }

  dispose(): void {
    this.#terminal.dispose();
  }
}
