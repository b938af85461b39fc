/**
 * Fuzz: QMP framing (`JsonStreamParser`) on random byte streams, on valid QMP streams split at random points,
 * corrupted, and around the size limit. The parser yields JSON values or throws `QmpProtocolError`, nothing else;
 * it delivers every message before a fault intact and in order; it refuses a message the moment its bytes pass
 * the limit (so it never holds more); and its reset byte always brings it back in step.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runFuzz } from '../../../testing/fuzz/run-fuzz.ts';
import { fuzzPlan, fuzzTimeoutMs } from '../../../testing/fuzz/settings.ts';
import { QmpProtocolError } from './errors.ts';
import { JsonStreamParser, type JsonStreamParserOptions } from './framing.ts';

/** What the guest agent uses to resync (never a byte of UTF-8 text). */
const RESET_BYTE = 0xff;

const payload = fc.jsonValue({ maxDepth: 3, stringUnit: 'binary' });

/** Messages as QEMU sends them: the greeting, returns and errors with ids, events with timestamps. */
const qmpMessage = fc.oneof(
  fc.record({
    QMP: fc.record({ version: payload, capabilities: fc.array(fc.constantFrom('oob')) }),
  }),
  fc.record(
    { return: payload, id: fc.oneof(fc.string({ unit: 'binary' }), fc.integer()) },
    { requiredKeys: ['return'] },
  ),
  fc.record({
    error: fc.record({ class: fc.string(), desc: fc.string({ unit: 'binary' }) }),
    id: fc.string(),
  }),
  fc.record(
    {
      event: fc.stringMatching(/^[A-Z_]{1,24}$/),
      data: payload,
      timestamp: fc.record({ seconds: fc.nat(), microseconds: fc.nat({ max: 999_999 }) }),
    },
    { requiredKeys: ['event', 'timestamp'] },
  ),
  payload.map((value) => [value]),
);

const separator = fc.constantFrom('', '\r\n', '\n', ' ', '\t\r\n  ');

/** A valid stream: each message's own bytes (JSON text, UTF-8) and the stream with separators between them. */
const qmpStream = fc.array(fc.tuple(qmpMessage, separator), { minLength: 1, maxLength: 8 }).map((parts) => {
  const messages = parts.map(([message]) => Buffer.from(JSON.stringify(message)));
  const bytes = Buffer.concat(parts.flatMap(([, sep], i) => [messages[i] as Buffer, Buffer.from(sep)]));
  return { messages, bytes };
});

/**
 * Where a stream is cut into reads: at points given as fractions of its length (the same split shrinks well
 * whatever the stream), or every few bytes (a byte at a time at the extreme, where state crosses every boundary).
 */
type Cuts = { fractions: number[] } | { every: number };

const cuts: fc.Arbitrary<Cuts> = fc.oneof(
  fc.record({ fractions: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 }) }),
  fc.record({ every: fc.integer({ min: 1, max: 5 }) }),
);

function split(bytes: Buffer, how: Cuts): Buffer[] {
  const points =
    'every' in how
      ? Array.from({ length: Math.ceil(bytes.length / how.every) }, (_, i) => i * how.every)
      : how.fractions.map((f) => Math.floor(f * bytes.length));
  const sorted = [...new Set(points)].filter((p) => p > 0).sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const point of [...sorted, bytes.length]) {
    chunks.push(bytes.subarray(from, point));
    from = point;
  }
  return chunks;
}

interface Fed {
  values: unknown[];
  /** The index of the chunk whose push threw, or null. */
  failedAt: number | null;
  error: unknown;
}

/** Pushes chunks in turn, stopping at the first error (a client closes the connection there). */
function feed(parser: JsonStreamParser, chunks: readonly Buffer[]): Fed {
  const values: unknown[] = [];
  for (const [i, chunk] of chunks.entries()) {
    try {
      parser.push(chunk, (value) => values.push(value));
    } catch (error) {
      return { values, failedAt: i, error };
    }
  }
  return { values, failedAt: null, error: null };
}

function expectProtocolError(error: unknown): void {
  if (!(error instanceof QmpProtocolError)) throw error;
  expect(error.class).toBe('ProtocolError');
  expect(error.desc.length).toBeGreaterThan(0);
}

describe('QMP framing fuzz', () => {
  const plan = fuzzPlan('framing');
  const quarter = { ...plan, runsPerSeed: Math.ceil(plan.runsPerSeed / 4) };

  it(
    'random bytes: values or QmpProtocolError, and a parser in step after an error',
    async () => {
      const options = fc.record(
        {
          maxMessageBytes: fc.integer({ min: 1, max: 300 }),
          resetByte: fc.constant(RESET_BYTE),
        },
        { requiredKeys: [] },
      );
      const bytes = fc.oneof(
        fc.uint8Array({ maxLength: 600 }),
        // Mostly structure bytes, so it gets past the first byte and nests.
        fc.array(fc.constantFrom(...Buffer.from('{}[]"\\:, \r\nax1\u00e9')), { maxLength: 600 }),
      );
      await runFuzz(
        quarter,
        fc.tuple(options, fc.array(bytes, { minLength: 1, maxLength: 6 })),
        ([parserOptions, chunks]) => {
          const parser = new JsonStreamParser(parserOptions as JsonStreamParserOptions);
          for (const chunk of chunks) {
            try {
              parser.push(Buffer.from(chunk), (value) => {
                expect(typeof value === 'object' && value !== null).toBe(true);
              });
            } catch (error) {
              expectProtocolError(error);
              expect(parser.midMessage).toBe(false);
            }
          }
        },
        { property: 'random bytes' },
      );
    },
    fuzzTimeoutMs(quarter),
  );

  it(
    'valid streams split anywhere: every message intact, in order',
    async () => {
      await runFuzz(
        quarter,
        fc.tuple(qmpStream, cuts),
        ([stream, fractions]) => {
          const fed = feed(new JsonStreamParser(), split(stream.bytes, fractions));
          expect(fed.error).toBeNull();
          expect(fed.values).toEqual(stream.messages.map((m) => JSON.parse(m.toString('utf8'))));
        },
        { property: 'split streams' },
      );
    },
    fuzzTimeoutMs(quarter),
  );

  it(
    'size limit: messages up to the limit delivered, the first larger one refused at its limit+1st byte',
    async () => {
      // The limit sits at, just under or just over one message's size (the edges), or anywhere.
      const limitChoice = fc.tuple(
        fc.nat(),
        fc.constantFrom(-1, 0, 1, 'any' as const),
        fc.integer({ min: 1, max: 400 }),
      );
      await runFuzz(
        quarter,
        fc.tuple(qmpStream, cuts, limitChoice),
        ([stream, fractions, [which, edge, any]]) => {
          const size = (stream.messages[which % stream.messages.length] as Buffer).length;
          const limit = edge === 'any' ? any : Math.max(1, size + edge);
          const chunks = split(stream.bytes, fractions);
          const fed = feed(new JsonStreamParser({ maxMessageBytes: limit }), chunks);
          const firstTooLarge = stream.messages.findIndex((m) => m.length > limit);
          const fitting = firstTooLarge === -1 ? stream.messages : stream.messages.slice(0, firstTooLarge);
          expect(fed.values).toEqual(fitting.map((m) => JSON.parse(m.toString('utf8'))));
          if (firstTooLarge === -1) {
            expect(fed.error).toBeNull();
            return;
          }
          expectProtocolError(fed.error);
          expect((fed.error as Error).message).toMatch(/limit/);
          // Refused in the chunk that holds the message's (limit + 1)th byte: never after holding more.
          const start = stream.bytes.indexOf(
            stream.messages[firstTooLarge] as Buffer,
            offsetOf(stream, firstTooLarge),
          );
          expect(fed.failedAt).toBe(chunkIndexOf(chunks, start + limit));
        },
        { property: 'size limit' },
      );
    },
    fuzzTimeoutMs(quarter),
  );

  it(
    'corrupted streams: the messages before the damage intact, then values or QmpProtocolError; the reset byte resyncs',
    async () => {
      const damage = fc.record({
        at: fc.double({ min: 0, max: 1, noNaN: true }),
        bytes: fc.uint8Array({ minLength: 1, maxLength: 6 }),
        mode: fc.constantFrom('insert', 'overwrite', 'delete'),
      });
      await runFuzz(
        quarter,
        fc.tuple(qmpStream, damage, cuts, qmpStream),
        ([stream, hurt, fractions, after]) => {
          const at = Math.floor(hurt.at * stream.bytes.length);
          const tail =
            hurt.mode === 'insert'
              ? stream.bytes.subarray(at)
              : stream.bytes.subarray(Math.min(stream.bytes.length, at + hurt.bytes.length));
          const corrupted = Buffer.concat([
            stream.bytes.subarray(0, at),
            hurt.mode === 'delete' ? Buffer.alloc(0) : Buffer.from(hurt.bytes),
            tail,
          ]);
          const parser = new JsonStreamParser({ resetByte: RESET_BYTE });
          const values: unknown[] = [];
          for (const chunk of split(corrupted, fractions)) {
            try {
              parser.push(chunk, (value) => values.push(value));
            } catch (error) {
              expectProtocolError(error);
            }
          }
          const intact = stream.messages.filter((_m, i) => endOf(stream, i) <= at);
          expect(values.slice(0, intact.length)).toEqual(intact.map((m) => JSON.parse(m.toString('utf8'))));
          // Whatever state the damage left, a reset byte and a valid stream after it parse as sent.
          const resynced = feed(
            parser,
            split(Buffer.concat([Buffer.from([RESET_BYTE]), after.bytes]), fractions),
          );
          expect(resynced.error).toBeNull();
          expect(resynced.values).toEqual(after.messages.map((m) => JSON.parse(m.toString('utf8'))));
        },
        { property: 'corrupted streams' },
      );
    },
    fuzzTimeoutMs(quarter),
  );
});

/** Where message i starts in the stream (messages and separators in order). */
function offsetOf(stream: { messages: Buffer[]; bytes: Buffer }, i: number): number {
  let offset = 0;
  for (let k = 0; k < i; k++)
    offset =
      stream.bytes.indexOf(stream.messages[k] as Buffer, offset) + (stream.messages[k] as Buffer).length;
  return offset;
}

function endOf(stream: { messages: Buffer[]; bytes: Buffer }, i: number): number {
  const start = stream.bytes.indexOf(stream.messages[i] as Buffer, offsetOf(stream, i));
  return start + (stream.messages[i] as Buffer).length;
}

function chunkIndexOf(chunks: readonly Buffer[], byteOffset: number): number {
  let end = 0;
  for (const [i, chunk] of chunks.entries()) {
    end += chunk.length;
    if (byteOffset < end) return i;
  }
  return chunks.length - 1;
}
