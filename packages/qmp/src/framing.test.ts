import { describe, expect, it } from 'vitest';
import { QmpProtocolError } from './errors.ts';
import { JsonStreamParser } from './framing.ts';

function parseChunks(chunks: (string | Buffer)[], parser = new JsonStreamParser()): unknown[] {
  const values: unknown[] = [];
  for (const chunk of chunks) {
    parser.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk, (v) => values.push(v));
  }
  return values;
}

describe('JsonStreamParser', () => {
  it('parses several messages in one chunk, in order', () => {
    expect(parseChunks(['{"a":1}\r\n{"b":2}\r\n  {"c":[3]}'])).toEqual([{ a: 1 }, { b: 2 }, { c: [3] }]);
  });

  it('parses one message delivered byte by byte', () => {
    const message = { event: 'X', data: { s: 'brace } and { "quoted" \\ back' }, timestamp: { seconds: 1 } };
    const bytes = Buffer.from(`${JSON.stringify(message)}\r\n${JSON.stringify(message)}`);
    const chunks = [...bytes].map((b) => Buffer.from([b]));
    expect(parseChunks(chunks)).toEqual([message, message]);
  });

  it('handles strings containing braces, brackets, escaped quotes and backslashes', () => {
    const tricky = { s: '}{][\\"\\\\', t: '\\', u: '"' };
    expect(parseChunks([JSON.stringify(tricky)])).toEqual([tricky]);
  });

  it('decodes multi-byte UTF-8 split across chunks', () => {
    const bytes = Buffer.from('{"name":"é€😀"}');
    const values = parseChunks(Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1)));
    expect(values).toEqual([{ name: 'é€😀' }]);
    const split = bytes.indexOf(0xe2) + 1; // inside the euro sign
    expect(parseChunks([bytes.subarray(0, split), bytes.subarray(split)])).toEqual([{ name: 'é€😀' }]);
  });

  it('parses a message of several megabytes across many chunks', () => {
    const big = {
      return: Array.from({ length: 60_000 }, (_, i) => ({ name: `entry-${i}`, type: String(i) })),
    };
    const bytes = Buffer.from(JSON.stringify(big));
    expect(bytes.length).toBeGreaterThan(2_000_000);
    const chunks: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += 65_536) chunks.push(bytes.subarray(i, i + 65_536));
    expect(parseChunks(chunks)).toEqual([big]);
  });

  it('rejects a message over the size limit while buffering, before it completes', () => {
    const parser = new JsonStreamParser({ maxMessageBytes: 100 });
    const values: unknown[] = [];
    parser.push(Buffer.from('{"ok":1}{"big":"'), (v) => values.push(v));
    expect(() => parser.push(Buffer.from('x'.repeat(200)), (v) => values.push(v))).toThrow(
      /limit of 100 bytes/,
    );
    expect(values).toEqual([{ ok: 1 }]);
    // After the error it starts afresh.
    parser.push(Buffer.from('{"next":2}'), (v) => values.push(v));
    expect(values).toEqual([{ ok: 1 }, { next: 2 }]);
  });

  it('throws QmpProtocolError on garbage after delivering what preceded it', () => {
    const values: unknown[] = [];
    const parser = new JsonStreamParser();
    let error: unknown;
    try {
      parser.push(Buffer.from('{"a":1}\nnot json'), (v) => values.push(v));
    } catch (e) {
      error = e;
    }
    expect(values).toEqual([{ a: 1 }]);
    expect(error).toBeInstanceOf(QmpProtocolError);
    expect(error).toMatchObject({ class: 'ProtocolError' });
  });

  it('throws QmpProtocolError on a balanced but invalid value', () => {
    expect(() => parseChunks(['{"a":}'])).toThrow(QmpProtocolError);
  });

  it('reports being in the middle of a message', () => {
    const parser = new JsonStreamParser();
    parser.push(Buffer.from('{"a":'), () => {});
    expect(parser.midMessage).toBe(true);
    parser.push(Buffer.from('1}'), () => {});
    expect(parser.midMessage).toBe(false);
  });

  it('discards a partial message at the reset byte (guest agent 0xFF delimiter)', () => {
    const parser = new JsonStreamParser({ resetByte: 0xff });
    const values = parseChunks(
      [
        Buffer.from('{"stale":'),
        Buffer.from([0xff]),
        Buffer.from('{"return":42}\n'),
        Buffer.from([0xff, 0xff]),
      ],
      parser,
    );
    expect(values).toEqual([{ return: 42 }]);
  });
});
