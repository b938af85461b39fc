/**
 * What the terminal does with a key before xterm.js sees it, and how typed text becomes the port's bytes.
 * Ctrl+C and Ctrl+V belong to the guest (interrupt, literal next) as in any terminal, so copy and paste are
 * Ctrl+Shift+C and Ctrl+Shift+V (and the browser's context menu); Cmd+C and Cmd+V on a Mac are the browser's own.
 * Copy is the page's (the browser's Ctrl+Shift+C opens its inspector); paste is the browser's own paste.
 */

export type TerminalShortcut = 'copy' | 'paste' | null;

export function terminalShortcut(
  event: Pick<KeyboardEvent, 'type' | 'ctrlKey' | 'shiftKey' | 'altKey' | 'metaKey' | 'code'>,
): TerminalShortcut {
  if (event.type !== 'keydown' || !event.ctrlKey || !event.shiftKey || event.altKey || event.metaKey)
    return null;
  if (event.code === 'KeyC') return 'copy';
  if (event.code === 'KeyV') return 'paste';
  return null;
}

const encoder = new TextEncoder();

/** Text typed or pasted (xterm's `onData`) as UTF-8 bytes for the port. */
export function textBytes(text: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(text);
}

/** xterm's `onBinary` (a string of byte values, e.g. some mouse reports) as the bytes they are. */
export function binaryStringBytes(binary: string): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i) & 0xff;
  return bytes;
}

/** The line that tells a guest shell the terminal's size (the serial line cannot carry it). */
export function sttyHint(cols: number, rows: number): string {
  return `stty rows ${rows} cols ${cols}`;
}
