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
  if (input.stdin.isTTY === true && input.stdin.setRawMode !== undefined) {
    const first = await promptHidden(input, 'Password: ');
    if (first === '') throw new Error('the password is empty');
    const again = await promptHidden(input, 'Again: ');
    if (again !== first) throw new Error('the two passwords differ; nothing was hashed');
    return first;
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

/** Reads keys in raw mode, echoing nothing; Enter ends, Backspace erases, Ctrl-C or Ctrl-D cancels. */
function promptHidden(input: PasswordInput, prompt: string): Promise<string> {
  const { stdin, prompts } = input;
  prompts.write(prompt);
  stdin.setRawMode?.(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve, reject) => {
    let chars: string[] = [];
    const finish = () => {
      stdin.off('data', onData);
      stdin.setRawMode?.(false);
      stdin.pause();
      prompts.write('\n');
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') {
          finish();
          resolve(chars.join(''));
          return;
        }
        if (char === '\u0003' || char === '\u0004') {
          finish();
          reject(new Error('cancelled'));
          return;
        }
        if (char === '\u007f' || char === '\b') chars = chars.slice(0, -1);
        else chars.push(char);
      }
    };
    stdin.on('data', onData);
  });
}
