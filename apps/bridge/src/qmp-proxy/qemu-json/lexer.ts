/**
 * QEMU's JSON lexer (qobject/json-lexer.c, QEMU 7.2), byte for byte: a table-driven state machine that cuts the
 * stream into tokens. It is not RFC 8259: it also takes single-quoted strings, any lowercase word as a keyword
 * (the parser refuses all but true/false/null), and after a bad byte it reports the token so far as an error and
 * skips to the next structural character or control byte. A faithful QMP server must cut bytes exactly here, so
 * that garbage gets the errors QEMU gives, in the same number and order.
 */

/** Token types (json-parser-int.h); `ERROR` is also the table's "no transition". */
export const Token = {
  Error: 0,
  LCurly: 100,
  RCurly: 101,
  LSquare: 102,
  RSquare: 103,
  Colon: 104,
  Comma: 105,
  Integer: 106,
  Float: 107,
  Keyword: 108,
  String: 109,
} as const;
export type TokenType = (typeof Token)[keyof typeof Token];

// Lexer states; below 100 so that they never collide with token types.
const IN_RECOVERY = 1;
const IN_DQ_STRING_ESCAPE = 2;
const IN_DQ_STRING = 3;
const IN_SQ_STRING_ESCAPE = 4;
const IN_SQ_STRING = 5;
const IN_ZERO = 6;
const IN_EXP_DIGITS = 7;
const IN_EXP_SIGN = 8;
const IN_EXP_E = 9;
const IN_MANTISSA = 10;
const IN_MANTISSA_DIGITS = 11;
const IN_DIGITS = 12;
const IN_SIGN = 13;
const IN_KEYWORD = 14;
const IN_START = 15;
const STATES = 16;

/** Marks a transition taken without consuming the byte (the byte starts the next token). */
const LOOKAHEAD = 0x80;

function code(ch: string): number {
  return ch.charCodeAt(0);
}

function buildTable(): Uint8Array[] {
  const table = Array.from({ length: STATES }, () => new Uint8Array(256));
  const set = (state: number, from: number, to: number, next: number) => {
    for (let byte = from; byte <= to; byte++) (table[state] as Uint8Array)[byte] = next;
  };
  const one = (state: number, ch: string, next: number) => set(state, code(ch), code(ch), next);
  const terminal = (state: number, token: number) => set(state, 0, 255, token | LOOKAHEAD);

  // Skip to a structural character, an ASCII control character other than tab, or the impossible bytes FE/FF.
  set(IN_RECOVERY, 0, 0x1f, IN_START | LOOKAHEAD);
  set(IN_RECOVERY, 0x20, 0xfd, IN_RECOVERY);
  set(IN_RECOVERY, 0xfe, 0xff, IN_START | LOOKAHEAD);
  one(IN_RECOVERY, '\t', IN_RECOVERY);
  for (const ch of '[]{}:,') one(IN_RECOVERY, ch, IN_START | LOOKAHEAD);

  set(IN_DQ_STRING_ESCAPE, 0x20, 0xfd, IN_DQ_STRING);
  set(IN_DQ_STRING, 0x20, 0xfd, IN_DQ_STRING);
  one(IN_DQ_STRING, '\\', IN_DQ_STRING_ESCAPE);
  one(IN_DQ_STRING, '"', Token.String);
  set(IN_SQ_STRING_ESCAPE, 0x20, 0xfd, IN_SQ_STRING);
  set(IN_SQ_STRING, 0x20, 0xfd, IN_SQ_STRING);
  one(IN_SQ_STRING, '\\', IN_SQ_STRING_ESCAPE);
  one(IN_SQ_STRING, "'", Token.String);

  terminal(IN_ZERO, Token.Integer);
  set(IN_ZERO, code('0'), code('9'), Token.Error);
  one(IN_ZERO, '.', IN_MANTISSA);

  terminal(IN_EXP_DIGITS, Token.Float);
  set(IN_EXP_DIGITS, code('0'), code('9'), IN_EXP_DIGITS);
  set(IN_EXP_SIGN, code('0'), code('9'), IN_EXP_DIGITS);
  one(IN_EXP_E, '-', IN_EXP_SIGN);
  one(IN_EXP_E, '+', IN_EXP_SIGN);
  set(IN_EXP_E, code('0'), code('9'), IN_EXP_DIGITS);
  terminal(IN_MANTISSA_DIGITS, Token.Float);
  set(IN_MANTISSA_DIGITS, code('0'), code('9'), IN_MANTISSA_DIGITS);
  one(IN_MANTISSA_DIGITS, 'e', IN_EXP_E);
  one(IN_MANTISSA_DIGITS, 'E', IN_EXP_E);
  set(IN_MANTISSA, code('0'), code('9'), IN_MANTISSA_DIGITS);

  terminal(IN_DIGITS, Token.Integer);
  set(IN_DIGITS, code('0'), code('9'), IN_DIGITS);
  one(IN_DIGITS, 'e', IN_EXP_E);
  one(IN_DIGITS, 'E', IN_EXP_E);
  one(IN_DIGITS, '.', IN_MANTISSA);
  one(IN_SIGN, '0', IN_ZERO);
  set(IN_SIGN, code('1'), code('9'), IN_DIGITS);

  terminal(IN_KEYWORD, Token.Keyword);
  set(IN_KEYWORD, code('a'), code('z'), IN_KEYWORD);

  one(IN_START, '"', IN_DQ_STRING);
  one(IN_START, "'", IN_SQ_STRING);
  one(IN_START, '0', IN_ZERO);
  set(IN_START, code('1'), code('9'), IN_DIGITS);
  one(IN_START, '-', IN_SIGN);
  one(IN_START, '{', Token.LCurly);
  one(IN_START, '}', Token.RCurly);
  one(IN_START, '[', Token.LSquare);
  one(IN_START, ']', Token.RSquare);
  one(IN_START, ',', Token.Comma);
  one(IN_START, ':', Token.Colon);
  set(IN_START, code('a'), code('z'), IN_KEYWORD);
  for (const ch of ' \t\r\n') one(IN_START, ch, IN_START);
  return table;
}

const TABLE = buildTable();

/**
 * Receives each token: its bytes are `bytes[0..length)`, valid only during the call (copy what you keep).
 * `ERROR` comes with the bytes of the bad token so far, the offending byte included. A token over
 * `maxTokenBytes` is handed over as it stands with type -1.
 */
export type TokenSink = (type: TokenType | -1, bytes: Uint8Array, length: number) => void;

export class QemuJsonLexer {
  #state = IN_START;
  /** The current token's bytes: `#length` of them, in a buffer that grows as a token does. */
  #token = new Uint8Array(64);
  #length = 0;
  /** A token went to the sink since the feed loop last looked: only then can a message have completed. */
  #emitted = false;

  constructor(
    readonly sink: TokenSink,
    readonly maxTokenBytes: number,
  ) {}

  /**
   * Feeds bytes `start` to `end` of `chunk`; stops early once `stop()` says so after a byte (QEMU stops reading
   * the same way: it reads one byte at a time and suspends after a message it must answer first). Returns the
   * index of the first byte not fed.
   */
  feed(chunk: Uint8Array, start = 0, end = chunk.length, stop?: () => boolean): number {
    for (let i = start; i < end; i++) {
      this.#feedByte(chunk[i] as number);
      if (this.#emitted) {
        this.#emitted = false;
        if (stop?.()) return i + 1;
      }
    }
    return end;
  }

  #feedByte(byte: number): void {
    let consumed = false;
    while (!consumed) {
      const next = (TABLE[this.#state] as Uint8Array)[byte] as number;
      consumed = (next & LOOKAHEAD) === 0;
      const state = next & ~LOOKAHEAD;
      if (consumed) this.#append(byte);
      if (state >= Token.LCurly) {
        this.#emit(state as TokenType);
        this.#state = IN_START;
      } else if (state === IN_START) {
        this.#length = 0;
        this.#state = IN_START;
      } else if (state === Token.Error) {
        this.#emit(Token.Error);
        this.#state = IN_RECOVERY;
      } else if (state === IN_RECOVERY) {
        this.#length = 0;
        this.#state = IN_RECOVERY;
      } else {
        this.#state = state;
      }
    }
    // QEMU's guard against one endless token (a string that never closes).
    if (this.#length > this.maxTokenBytes) {
      this.#emit(-1);
      this.#state = IN_START;
    }
  }

  #append(byte: number): void {
    if (this.#length === this.#token.length) {
      const grown = new Uint8Array(this.#token.length * 2);
      grown.set(this.#token);
      this.#token = grown;
    }
    this.#token[this.#length++] = byte;
  }

  /** Hands the token over, then starts afresh for the next one. */
  #emit(type: TokenType | -1): void {
    this.#emitted = true;
    this.sink(type, this.#token, this.#length);
    this.#length = 0;
    // A long string leaves a big buffer behind: let it go rather than keep it per client.
    if (this.#token.length > 4096) this.#token = new Uint8Array(64);
  }
}
