import { describe, expect, it } from 'vitest';
import { TerminalScreen } from './terminal-screen.ts';

const bytes = (text: string) => Buffer.from(text, 'utf8');
const ESC = '\x1b';

/** Draws `serialized` on a fresh screen of the same size and snapshots that: the same screen means the same text. */
async function redrawn(serialized: string, options = {}): Promise<string> {
  const copy = new TerminalScreen(options);
  copy.write(bytes(serialized));
  const again = await copy.snapshot();
  copy.dispose();
  return again;
}

describe('TerminalScreen', () => {
  it('snapshots what is on the screen, with colours, as sequences that draw the same screen again', async () => {
    const screen = new TerminalScreen();
    screen.write(bytes('qmpdeck-demo login: root\r\n\x1b[1;32mok\x1b[0m\r\nqmpdeck-demo:~# '));
    const shot = await screen.snapshot();
    expect(shot).toContain('qmpdeck-demo login: root');
    expect(shot).toMatch(new RegExp(`${ESC}\\[[\\d;]*32[;m]`));
    expect(await redrawn(shot)).toBe(shot);
  });

  it('shows the result of cursor movement and clearing, not the bytes that did it', async () => {
    const screen = new TerminalScreen();
    screen.write(bytes('progress 10%\rprogress 99%\r\nold line\x1b[2K\rnew line'));
    const shot = await screen.snapshot();
    expect(shot).toContain('progress 99%');
    expect(shot).not.toContain('10%');
    expect(shot).not.toContain('old line');
    expect(shot).toContain('new line');
  });

  it('includes everything written before the snapshot and nothing written after it', async () => {
    const screen = new TerminalScreen();
    screen.write(bytes('before\r\n'));
    const shot = screen.snapshot();
    screen.write(bytes('after\r\n'));
    const text = await shot;
    expect(text).toContain('before');
    expect(text).not.toContain('after');
    expect(await screen.snapshot()).toContain('after');
  });

  it('keeps UTF-8 split across writes whole', async () => {
    const screen = new TerminalScreen();
    const euro = bytes('€');
    screen.write(euro.subarray(0, 1));
    screen.write(euro.subarray(1));
    expect(await screen.snapshot()).toContain('€');
  });

  it('carries the last lines of scrollback, not all history', async () => {
    const screen = new TerminalScreen({ rows: 5, scrollback: 10 });
    for (let i = 0; i < 100; i++) screen.write(bytes(`line ${i}\r\n`));
    const shot = await screen.snapshot();
    expect(shot).toContain('line 99');
    expect(shot).toContain('line 86');
    expect(shot).not.toContain('line 80\r');
  });
});
