/**
 * QEMU's JSON parser (qobject/json-parser.c, QEMU 7.2): one complete message's tokens -> a value, or QEMU's own
 * error text ("JSON parse error, expecting value", "... duplicate key", "... invalid keyword 'not'", ...).
 * The first error wins, as in QEMU. Strings are decoded by QEMU's rules (its escapes, `\'` too, surrogate pairs,
 * modified UTF-8); integers keep QEMU's int64 / uint64 / double split.
 */
import { Token, type TokenType } from './lexer.ts';
import { modUtf8Codepoint } from './mod-utf8.ts';
import { qdictOrder } from './qdict-order.ts';
import { qemuString } from './qemu-string.ts';
import type { QemuJsonObject, QemuJsonValue } from './values.ts';

export interface JsonToken {
  type: TokenType;
  text: Uint8Array;
}

export type ParseResult = { ok: true; value: QemuJsonValue } | { ok: false; desc: string };

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;
const BACKSLASH = 0x5c;

class ParseError extends Error {}

export function parseTokens(tokens: readonly JsonToken[]): ParseResult {
  const parser = new TokenParser(tokens);
  try {
    return { ok: true, value: parser.value() };
  } catch (error) {
    if (error instanceof ParseError) return { ok: false, desc: `JSON parse error, ${error.message}` };
    throw error;
  }
}

class TokenParser {
  #next = 0;

  constructor(readonly tokens: readonly JsonToken[]) {}

  #peek(): JsonToken {
    const token = this.tokens[this.#next];
    if (!token) throw new ParseError('premature EOI');
    return token;
  }

  #pop(): JsonToken {
    const token = this.#peek();
    this.#next++;
    return token;
  }

  value(): QemuJsonValue {
    const token = this.#peek();
    switch (token.type) {
      case Token.LCurly:
        return this.#object();
      case Token.LSquare:
        return this.#array();
      case Token.Integer:
      case Token.Float:
      case Token.String:
        return this.#literal(this.#pop());
      case Token.Keyword:
        return keyword(this.#pop());
      default:
        throw new ParseError('expecting value');
    }
  }

  #object(): QemuJsonObject {
    this.#pop();
    const members = new Map<string, QemuJsonValue>();
    if (this.#peek().type === Token.RCurly) {
      this.#pop();
      return qdict(members);
    }
    this.#pair(members);
    for (let token = this.#pop(); token.type !== Token.RCurly; token = this.#pop()) {
      if (token.type !== Token.Comma) throw new ParseError('expected separator in dict');
      this.#pair(members);
    }
    return qdict(members);
  }

  #pair(members: Map<string, QemuJsonValue>): void {
    this.#peek();
    const key = this.value();
    if (typeof key !== 'string') throw new ParseError('key is not a string in object');
    if (this.#pop().type !== Token.Colon) throw new ParseError('missing : in object pair');
    const value = this.value();
    if (members.has(key)) throw new ParseError('duplicate key');
    members.set(key, value);
  }

  #array(): QemuJsonValue[] {
    this.#pop();
    const list: QemuJsonValue[] = [];
    if (this.#peek().type === Token.RSquare) {
      this.#pop();
      return list;
    }
    list.push(this.value());
    for (let token = this.#pop(); token.type !== Token.RSquare; token = this.#pop()) {
      if (token.type !== Token.Comma) throw new ParseError('expected separator in list');
      list.push(this.value());
    }
    return list;
  }

  #literal(token: JsonToken): QemuJsonValue {
    if (token.type === Token.String) return parseString(token.text);
    const text = ascii(token.text);
    if (token.type === Token.Integer) {
      // int64 if it fits, else uint64 (non-negative), else a double: QEMU's QNum.
      const integer = BigInt(text);
      if (integer >= INT64_MIN && integer <= INT64_MAX) return integer;
      if (integer > 0n && integer <= UINT64_MAX) return integer;
    }
    return Number(text);
  }
}

function keyword(token: JsonToken): QemuJsonValue {
  const word = ascii(token.text);
  if (word === 'true') return true;
  if (word === 'false') return false;
  if (word === 'null') return null;
  throw new ParseError(`invalid keyword '${word}'`);
}

/** The members in the order QEMU's QDict keeps them (its output and its checks follow that order). */
function qdict(members: Map<string, QemuJsonValue>): QemuJsonObject {
  const object: QemuJsonObject = Object.create(null);
  const keys = [...members.keys()];
  for (const key of keys.length < 2 ? keys : qdictOrder(keys))
    object[key] = members.get(key) as QemuJsonValue;
  return object;
}

/** Bytes known to be ASCII (a number, a keyword, a plain string) as a string, without copying them first. */
function ascii(bytes: Uint8Array): string {
  return bytes.length < 64
    ? String.fromCharCode.apply(null, bytes as unknown as number[])
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
}

const SIMPLE_ESCAPES: Record<number, string> = {
  34: '"',
  39: "'",
  92: '\\',
  47: '/',
  98: '\b',
  102: '\f',
  110: '\n',
  114: '\r',
  116: '\t',
};

/** QEMU's cvt4hex: four hex digits at `at`, or -1 (reading stops at the end of the token, as at its NUL). */
function fourHex(bytes: Uint8Array, at: number): number {
  let codepoint = 0;
  for (let i = 0; i < 4; i++) {
    const digit = at + i < bytes.length ? hexDigit(bytes[at + i] as number) : -1;
    if (digit < 0) return -1;
    codepoint = codepoint * 16 + digit;
  }
  return codepoint;
}

function hexDigit(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x61 + 10;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x41 + 10;
  return -1;
}

/** A string token (its quotes included) -> its text, by QEMU's rules. */
function parseString(bytes: Uint8Array): string {
  const quote = bytes[0];
  const end = bytes.length - 1;
  if (isPlainAscii(bytes, 1, end)) return ascii(bytes.subarray(1, end));
  let text = '';
  let p = 1;
  while (p < end && bytes[p] !== quote) {
    if (bytes[p] === BACKSLASH) {
      const begin = p;
      const escaped = bytes[p + 1] as number;
      p += 2;
      const simple = SIMPLE_ESCAPES[escaped];
      if (simple !== undefined) {
        text += simple;
        continue;
      }
      if (escaped !== 0x75) throw new ParseError('invalid escape sequence in string');
      let codepoint = fourHex(bytes, p);
      p += 4;
      if (codepoint >= 0xd800 && codepoint <= 0xdbff && bytes[p] === BACKSLASH && bytes[p + 1] === 0x75) {
        const trailing = fourHex(bytes, p + 2);
        if (trailing >= 0xdc00 && trailing <= 0xdfff) {
          codepoint = 0x10000 + ((codepoint & 0x3ff) << 10) + (trailing & 0x3ff);
          p += 6;
        } else {
          codepoint = -1;
        }
      }
      if (!encodable(codepoint)) {
        // QEMU prints the escape as written, up to the end of the token.
        const written = qemuString(bytes.subarray(begin, Math.min(p, bytes.length)));
        throw new ParseError(`${written} is not a valid Unicode character`);
      }
      text += String.fromCodePoint(codepoint);
      continue;
    }
    const { codepoint, end: next } = modUtf8Codepoint(bytes, p, Math.min(p + 6, bytes.length));
    if (codepoint < 0) throw new ParseError('invalid UTF-8 sequence in string');
    text += String.fromCodePoint(codepoint);
    p = next;
  }
  return text;
}

/** Printable ASCII without a backslash: the usual command name, key or id, which needs no decoding. */
function isPlainAscii(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const byte = bytes[i] as number;
    if (byte < 0x20 || byte > 0x7e || byte === BACKSLASH) return false;
  }
  return true;
}

/** mod_utf8_encode's test: U+0000 (written as C0 80) and every valid code point. */
function encodable(codepoint: number): boolean {
  if (codepoint < 0 || codepoint > 0x10ffff) return false;
  if ((codepoint >= 0xfdd0 && codepoint <= 0xfdef) || (codepoint & 0xfffe) === 0xfffe) return false;
  return !(codepoint >= 0xd800 && codepoint <= 0xdfff);
}
