/**
 * QEMU's reading of UTF-8 in JSON strings (util/unicode.c, mod_utf8_codepoint): "modified" UTF-8, where U+0000
 * may be written as C0 80; overlong forms, surrogates, the 66 noncharacters and code points beyond U+10FFFF are
 * invalid. QEMU's parser refuses a string holding any of them ("invalid UTF-8 sequence in string"), and its
 * writer puts U+FFFD for them.
 */

const MIN_CODEPOINT_BY_LENGTH = [0x80, 0x800, 0x10000, 0x200000, 0x4000000];

export function isValidCodepoint(codepoint: number): boolean {
  if (codepoint > 0x10ffff) return false;
  if ((codepoint >= 0xfdd0 && codepoint <= 0xfdef) || (codepoint & 0xfffe) === 0xfffe) return false;
  return !(codepoint >= 0xd800 && codepoint <= 0xdfff);
}

/**
 * The code point at `bytes[start]` and where its sequence ends; `codepoint` is -1 for an invalid sequence
 * (`end` then says how far QEMU skips). `limit` is the end of the readable bytes.
 */
export function modUtf8Codepoint(
  bytes: Uint8Array,
  start: number,
  limit = bytes.length,
): { codepoint: number; end: number } {
  if (start >= limit || bytes[start] === 0) return { codepoint: -1, end: start };
  let p = start;
  let byte = bytes[p++] as number;
  if (byte < 0x80) return { codepoint: byte, end: p };
  if (byte >= 0xfe || (byte & 0x40) === 0) return { codepoint: -1, end: p };
  let length = 0;
  let mask = 0x80;
  for (; byte & mask; mask >>= 1) length++;
  let codepoint = byte & (mask - 1);
  for (let i = 1; i < length; i++) {
    byte = p < limit ? (bytes[p] as number) : 0;
    if ((byte & 0xc0) !== 0x80) return { codepoint: -1, end: p };
    p++;
    codepoint = codepoint * 64 + (byte & 0x3f);
  }
  if (!isValidCodepoint(codepoint)) return { codepoint: -1, end: p };
  const overlong =
    codepoint < (MIN_CODEPOINT_BY_LENGTH[length - 2] as number) && !(codepoint === 0 && length === 2);
  return { codepoint: overlong ? -1 : codepoint, end: p };
}
