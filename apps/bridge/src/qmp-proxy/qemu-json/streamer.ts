/**
 * QEMU's JSON message splitter (qobject/json-streamer.c, QEMU 7.2): tokens from the lexer are collected until the
 * braces and brackets balance (or go negative), then parsed as one message. A lexer error, or a message over the
 * limits, is reported at once and whatever was collected is dropped. Each message or error goes to `emit` in the
 * order QEMU would answer them.
 *
 * QEMU's limits are 64 MiB per message, 2 Mi tokens and 1,024 levels of nesting; a shared bridge takes smaller
 * ones for bytes and tokens (see limits.ts) and reports them with QEMU's own words.
 */
import { QemuJsonLexer, Token, type TokenType } from './lexer.ts';
import { type JsonToken, parseTokens } from './parser.ts';
import { qemuString } from './qemu-string.ts';
import type { QemuJsonValue } from './values.ts';

export type JsonMessage = { ok: true; value: QemuJsonValue } | { ok: false; desc: string };

export interface StreamerLimits {
  /** Bytes of one message (QEMU: 64 MiB); also the longest single token. */
  maxMessageBytes: number;
  /** Tokens of one message (QEMU: 2 Mi). */
  maxTokens: number;
  /** Open braces and brackets (QEMU: 1,024). */
  maxNesting: number;
}

export const QEMU_LIMITS: StreamerLimits = {
  maxMessageBytes: 64 * 1024 * 1024,
  maxTokens: 2 * 1024 * 1024,
  maxNesting: 1024,
};

const NO_TEXT = new Uint8Array(0);

export class QemuJsonStreamer {
  readonly #lexer: QemuJsonLexer;
  #tokens: JsonToken[] = [];
  #bytes = 0;
  #braces = 0;
  #brackets = 0;

  constructor(
    readonly emit: (message: JsonMessage) => void,
    readonly limits: StreamerLimits = QEMU_LIMITS,
  ) {
    this.#lexer = new QemuJsonLexer(
      (type, bytes, length) => this.#token(type, bytes, length),
      limits.maxMessageBytes,
    );
  }

  /** Feeds bytes; with `stop`, stops after the byte at which it turns true (see QemuJsonLexer.feed). */
  feed(chunk: Uint8Array, start = 0, end = chunk.length, stop?: () => boolean): number {
    return this.#lexer.feed(chunk, start, end, stop);
  }

  /** True while part of a message is collected. */
  get midMessage(): boolean {
    return this.#tokens.length > 0;
  }

  #token(type: TokenType | -1, bytes: Uint8Array, length: number): void {
    switch (type) {
      case Token.LCurly:
        this.#braces++;
        break;
      case Token.RCurly:
        this.#braces--;
        break;
      case Token.LSquare:
        this.#brackets++;
        break;
      case Token.RSquare:
        this.#brackets--;
        break;
      case Token.Error:
        this.#finish({
          ok: false,
          desc: `JSON parse error, stray '${qemuString(bytes.subarray(0, length))}'`,
        });
        return;
    }
    const { maxMessageBytes, maxTokens, maxNesting } = this.limits;
    if (this.#bytes + length + 1 > maxMessageBytes) {
      this.#finish({ ok: false, desc: 'JSON token size limit exceeded' });
      return;
    }
    if (this.#tokens.length + 1 > maxTokens) {
      this.#finish({ ok: false, desc: 'JSON token count limit exceeded' });
      return;
    }
    if (this.#braces + this.#brackets > maxNesting) {
      this.#finish({ ok: false, desc: 'JSON nesting depth limit exceeded' });
      return;
    }
    // Punctuation needs no text: a message of many small tokens stays small in memory.
    const punctuation = type >= Token.LCurly && type <= Token.Comma;
    this.#tokens.push({ type: type as TokenType, text: punctuation ? NO_TEXT : bytes.slice(0, length) });
    this.#bytes += length;
    if ((this.#braces > 0 || this.#brackets > 0) && this.#braces >= 0 && this.#brackets >= 0) return;
    this.#finish(parseTokens(this.#tokens));
  }

  #finish(message: JsonMessage): void {
    this.#braces = 0;
    this.#brackets = 0;
    this.#tokens = [];
    this.#bytes = 0;
    this.emit(message);
  }
}
