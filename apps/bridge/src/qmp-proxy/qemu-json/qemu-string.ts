/**
 * Bytes as QEMU's writer reads them when it puts a C string into JSON (json-writer.c, quoted_str): each modified
 * UTF-8 sequence is one character, and each invalid one becomes U+FFFD. QEMU's error texts quote the bytes a
 * client sent ("JSON parse error, stray '...'"), so they are decoded the same way.
 */
import { modUtf8Codepoint } from './mod-utf8.ts';

export function qemuString(bytes: Uint8Array): string {
  let text = '';
  let p = 0;
  // A C string ends at its first NUL.
  const nul = bytes.indexOf(0);
  const end = nul < 0 ? bytes.length : nul;
  while (p < end) {
    const { codepoint, end: next } = modUtf8Codepoint(bytes, p, Math.min(p + 6, end));
    text += codepoint < 0 ? '\uFFFD' : String.fromCodePoint(codepoint);
    p = next > p ? next : p + 1;
  }
  return text;
}
