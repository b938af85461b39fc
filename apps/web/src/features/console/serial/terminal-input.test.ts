/** The terminal's copy/paste shortcuts and how text and binary input become the port's bytes. */
import { describe, expect, it } from 'vitest';
import { binaryStringBytes, sttyHint, terminalShortcut, textBytes } from './terminal-input.ts';

const key = (change: Partial<KeyboardEvent>) => ({
  type: 'keydown',
  ctrlKey: false,
  shiftKey: false,
  altKey: false,
  metaKey: false,
  code: 'KeyA',
  ...change,
});

describe('terminal input', () => {
  it('copies with Ctrl+Shift+C and pastes with Ctrl+Shift+V, on key down only', () => {
    expect(terminalShortcut(key({ ctrlKey: true, shiftKey: true, code: 'KeyC' }))).toBe('copy');
    expect(terminalShortcut(key({ ctrlKey: true, shiftKey: true, code: 'KeyV' }))).toBe('paste');
    expect(terminalShortcut(key({ type: 'keyup', ctrlKey: true, shiftKey: true, code: 'KeyV' }))).toBeNull();
  });

  it('leaves Ctrl+C and Ctrl+V to the guest', () => {
    expect(terminalShortcut(key({ ctrlKey: true, code: 'KeyC' }))).toBeNull();
    expect(terminalShortcut(key({ ctrlKey: true, code: 'KeyV' }))).toBeNull();
    expect(terminalShortcut(key({ ctrlKey: true, shiftKey: true, altKey: true, code: 'KeyC' }))).toBeNull();
  });

  it('sends text as UTF-8 and binary strings byte for byte', () => {
    expect([...textBytes('aé\r')]).toEqual([0x61, 0xc3, 0xa9, 0x0d]);
    expect([...binaryStringBytes('\x1b[M\xff')]).toEqual([0x1b, 0x5b, 0x4d, 0xff]);
  });

  it('writes the stty line for the terminal size', () => {
    expect(sttyHint(120, 32)).toBe('stty rows 32 cols 120');
  });
});
