/**
 * Where `hash-password` gets the password: never from argv (it would stay in the shell's history and show in
 * `ps` to every user of the machine). From a terminal: asked twice, without echo. Piped: the first line of
 * stdin (`printf '%s\n' "$PW" | pnpm start -- hash-password`), its line ending removed.
 */
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

export interface PasswordInput {
  stdin: Readable & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  /** Where prompts go (stderr, so stdout carries only the hash). */
  prompts: Writable;
}

/** The password; rejects with a sentence for an empty one, a mismatch, or a cancelled prompt. */
export async function readPassword(input: PasswordInput): Promise<string> {
  const { stdin } = input;
  if (stdin.isTTY === true && stdin.setRawMode !== undefined) {
    // Echo off for both prompts, before the first shows: no key typed at any moment is echoed.
    stdin.setRawMode(true);
    const keys = new HiddenLines(stdin);
    try {
      input.prompts.write('Password: ');
      const first = await keys.next();
      input.prompts.write('\n');
      if (first === '') throw new Error('the password is empty');
      input.prompts.write('Again: ');
      const again = await keys.next();
      input.prompts.write('\n');
      if (again !== first) throw new Error('the two passwords differ; nothing was hashed');
      return first;
    } finally {
      keys.stop();
      stdin.setRawMode(false);
    }
  }
  const line = await firstLine(input.stdin);
  if (line === '') throw new Error('no password on stdin (expected one line)');
  return line;
}

function firstLine(stdin: Readable): Promise<string> {
  return new Promise((resolve) => {
    const lines = createInterface({ input: stdin, crlfDelay: Number.POSITIVE_INFINITY });
    let answered = false;
    lines.once('line', (line) => {
      answered = true;
      lines.close();
      resolve(line);
    });
    lines.once('close', () => {
      if (!answered) resolve('');
    });
  });
}

/**
 * Lines typed on a terminal in raw mode (nothing echoed): Enter ends a line, Backspace erases, Ctrl-C or Ctrl-D
 * cancels. Keys that arrive together (two lines pasted at once) are kept for the next line.
 */
class HiddenLines {
  readonly #lines: string[] = [];
  #current: string[] = [];
  #cancelled = false;
  #wake: (() => void) | null = null;
  readonly #onData = (chunk: string): void => {
    for (const char of chunk) {
      if (char === '\r' || char === '\n') {
        this.#lines.push(this.#current.join(''));
        this.#current = [];
      } else if (char === '\u0003' || char === '\u0004') {
        this.#cancelled = true;
      } else if (char === '\u007f' || char === '\b') {
        this.#current = this.#current.slice(0, -1);
      } else {
        this.#current.push(char);
      }
    }
    this.#wake?.();
  };

  constructor(readonly stdin: Readable) {
    stdin.setEncoding('utf8');
    stdin.on('data', this.#onData);
    stdin.resume();
  }

  async next(): Promise<string> {
    for (;;) {
      if (this.#cancelled) throw new Error('cancelled');
      const line = this.#lines.shift();
      if (line !== undefined) return line;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
      this.#wake = null;
    }
  }

  stop(): void {
    this.stdin.off('data', this.#onData);
    this.stdin.pause();
  }
}
