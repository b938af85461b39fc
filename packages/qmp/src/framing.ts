/**
 * Bytes -> JSON values. QMP is a stream of JSON objects: never one message per read, nor one read per message.
 *
 * A small state machine tracks nesting depth and whether it is inside a string (and after a backslash), looking only
 * at ASCII bytes. Every byte of a multi-byte UTF-8 sequence is >= 0x80, so sequences split across chunks need no
 * special care: a complete value's bytes are decoded in one piece. The size limit is checked per byte while scanning,
 * before anything is buffered, so a hostile peer cannot grow memory past `maxMessageBytes`.
 */
import { QmpProtocolError } from './errors.ts';

export interface JsonStreamParserOptions {
  /** Largest single message, in bytes. Default 64 MiB. */
  maxMessageBytes?: number;
  /**
   * A byte that discards whatever is partially parsed and starts afresh. The guest agent prefixes the reply to
   * `guest-sync-delimited` with 0xFF (never valid in UTF-8), so a client can skip to the last one.
   */
  resetByte?: number;
}

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function isWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

export class JsonStreamParser {
  readonly #maxMessageBytes: number;
  readonly #resetByte: number | undefined;
  /** Bytes of the current message that arrived in earlier chunks. */
  #pending: Buffer[] = [];
  #messageBytes = 0;
  #depth = 0;
  #inString = false;
  #escaped = false;

  constructor(options: JsonStreamParserOptions = {}) {
    this.#maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.#resetByte = options.resetByte;
  }

  /** True when part of a message has been buffered but not yet completed. */
  get midMessage(): boolean {
    return this.#depth > 0;
  }

  /** Forget any partial message (after a protocol error, or on a resync). */
  reset(): void {
    this.#pending = [];
    this.#messageBytes = 0;
    this.#depth = 0;
    this.#inString = false;
    this.#escaped = false;
  }

  /**
   * Feeds one chunk; calls `onValue` for each complete top-level value, in order. Throws `QmpProtocolError` on
   * garbage or an oversized message, after delivering every value that preceded it; the parser is then reset.
   */
  push(chunk: Buffer, onValue: (value: unknown) => void): void {
    let start = -1; // where the current message begins in this chunk, or -1 if it began in an earlier one
    if (this.#depth > 0) start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i] as number;
      if (byte === this.#resetByte) {
        this.reset();
        start = -1;
        continue;
      }
      if (this.#depth === 0) {
        if (isWhitespace(byte)) continue;
        if (byte !== OPEN_BRACE && byte !== OPEN_BRACKET) {
          this.reset();
          throw new QmpProtocolError(
            `Unexpected byte 0x${byte.toString(16).padStart(2, '0')} between messages`,
          );
        }
        start = i;
        this.#depth = 1;
        this.#messageBytes = 1;
        this.#checkSize();
        continue;
      }
      this.#messageBytes++;
      this.#checkSize();
      if (this.#inString) {
        if (this.#escaped) this.#escaped = false;
        else if (byte === BACKSLASH) this.#escaped = true;
        else if (byte === QUOTE) this.#inString = false;
        continue;
      }
      if (byte === QUOTE) this.#inString = true;
      else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) this.#depth++;
      else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
        this.#depth--;
        if (this.#depth === 0) {
          onValue(this.#decode(chunk, start, i + 1));
          start = -1;
        }
      }
    }
    if (this.#depth > 0) this.#pending.push(start > 0 ? chunk.subarray(start) : chunk);
  }

  #checkSize(): void {
    if (this.#messageBytes > this.#maxMessageBytes) {
      this.reset();
      throw new QmpProtocolError(`Message larger than the limit of ${this.#maxMessageBytes} bytes`);
    }
  }

  #decode(chunk: Buffer, start: number, end: number): unknown {
    let text: string;
    if (this.#pending.length === 0) {
      text = chunk.toString('utf8', start, end);
    } else {
      this.#pending.push(chunk.subarray(0, end));
      text = Buffer.concat(this.#pending).toString('utf8');
      this.#pending = [];
    }
    this.#messageBytes = 0;
    try {
      return JSON.parse(text);
    } catch (cause) {
      this.reset();
      throw new QmpProtocolError(`Invalid JSON from peer: ${(cause as Error).message}`, { cause });
    }
  }
}
