/**
 * Values -> JSON text exactly as QEMU writes it (qobject/json-writer.c, compact mode): `": "` and `", "` between
 * members, members in QEMU's bucket order (qdict-order.ts), every character outside printable ASCII as `\uXXXX`
 * (upper-case hex, surrogate pairs beyond the BMP), integers as integers and doubles as C's `%.17g`. The QMP proxy
 * writes every message with it, so a client reading the bytes sees what QEMU would have sent.
 */
import { qdictBucket, qdictWrittenOrder } from './qdict-order.ts';
import { isQemuJsonObject } from './values.ts';

/** Text already written by these rules (a client's `id`, formatted once), placed as it is. */
export class RawJson {
  constructor(readonly text: string) {}
}

export interface WriteOptions {
  /**
   * Every `number` is a double (values from the proxy's own parser, whose integers are bigints): always `%.17g`.
   * Otherwise (values JSON.parse made of QEMU's output) an integral number below 2^64 was most likely an integer.
   */
  numbersAreDoubles?: boolean;
}

const PLAIN_ASCII = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;
const TWO_TO_64 = 2 ** 64;

export function writeQemuJson(value: unknown, options: WriteOptions = {}): string {
  return write(value, options.numbersAreDoubles === true);
}

function write(value: unknown, doubles: boolean): string {
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
      return doubles ? formatG17(value) : formatNumber(value);
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      if (value instanceof RawJson) return value.text;
      if (Array.isArray(value)) return `[${value.map((item) => write(item, doubles)).join(', ')}]`;
      if (isQemuJsonObject(value)) return writeObject(value as Record<string, unknown>, doubles);
      break;
  }
  // undefined, functions, symbols: what JSON.stringify leaves out of objects; QMP values never hold them.
  return 'null';
}

function writeObject(object: Record<string, unknown>, doubles: boolean): string {
  const keys = inQemuOrder(Object.keys(object).filter((key) => object[key] !== undefined));
  if (keys.length === 0) return '{}';
  let text = '{';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    text += `${i === 0 ? '' : ', '}${quote(key)}: ${write(object[key], doubles)}`;
  }
  return `${text}}`;
}

/** What QEMU wrote comes in its order already (the common case, checked cheaply); anything else is sorted. */
function inQemuOrder(keys: string[]): string[] {
  let previous = -1;
  for (const key of keys) {
    const bucket = qdictBucket(key);
    if (bucket < previous) return qdictWrittenOrder(keys);
    previous = bucket;
  }
  return keys;
}

/** json-writer.c's quoted_str over a JavaScript string (lone surrogates, which QEMU never holds, as U+FFFD). */
export function quote(text: string): string {
  if (PLAIN_ASCII.test(text)) return `"${text}"`;
  let out = '"';
  for (const char of text) {
    const codepoint = char.codePointAt(0) as number;
    switch (codepoint) {
      case 0x22:
        out += '\\"';
        break;
      case 0x5c:
        out += '\\\\';
        break;
      case 0x08:
        out += '\\b';
        break;
      case 0x0c:
        out += '\\f';
        break;
      case 0x0a:
        out += '\\n';
        break;
      case 0x0d:
        out += '\\r';
        break;
      case 0x09:
        out += '\\t';
        break;
      default:
        out += escapeCodepoint(codepoint >= 0xd800 && codepoint <= 0xdfff ? 0xfffd : codepoint);
    }
  }
  return `${out}"`;
}

function escapeCodepoint(codepoint: number): string {
  if (codepoint > 0xffff) {
    const high = 0xd800 + ((codepoint - 0x10000) >> 10);
    const low = 0xdc00 + ((codepoint - 0x10000) & 0x3ff);
    return `\\u${hex4(high)}\\u${hex4(low)}`;
  }
  if (codepoint < 0x20 || codepoint >= 0x7f) return `\\u${hex4(codepoint)}`;
  return String.fromCharCode(codepoint);
}

function hex4(value: number): string {
  return value.toString(16).toUpperCase().padStart(4, '0');
}

/** A number from QEMU's output: integers (int64, uint64) as integers, the rest as `%.17g`. */
function formatNumber(value: number): string {
  if (Number.isSafeInteger(value)) return Object.is(value, -0) ? '-0' : String(value);
  if (Number.isInteger(value) && Math.abs(value) < TWO_TO_64) return BigInt(value).toString();
  return formatG17(value);
}

/** C's `printf("%.17g")` (glibc), which QEMU uses for doubles; inf and nan as glibc spells them. */
export function formatG17(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const [mantissa, exponentText] = value.toExponential(16).split('e') as [string, string];
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 17) {
    const sign = exponent < 0 ? '-' : '+';
    return `${stripZeros(mantissa)}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  return stripZeros(value.toFixed(16 - exponent));
}

function stripZeros(text: string): string {
  if (!text.includes('.')) return text;
  return text.replace(/\.?0+$/, '');
}
