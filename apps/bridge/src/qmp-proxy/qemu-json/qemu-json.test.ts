/**
 * QEMU's JSON reading and writing, checked against what a real QEMU 7.2 answered to the same bytes (recorded with
 * socat; the side-by-side test against a live QEMU is qmp-proxy.qemu.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { qdictOf, qdictOrder, qdictWrittenOrder } from './qdict-order.ts';
import { type JsonMessage, QEMU_LIMITS, QemuJsonStreamer, type StreamerLimits } from './streamer.ts';
import { formatG17, RawJson, writeQemuJson } from './writer.ts';

function messages(input: string | Buffer, limits: StreamerLimits = QEMU_LIMITS): JsonMessage[] {
  const out: JsonMessage[] = [];
  const streamer = new QemuJsonStreamer((message) => out.push(message), limits);
  streamer.feed(typeof input === 'string' ? Buffer.from(input, 'utf8') : input);
  return out;
}

function errors(input: string | Buffer): string[] {
  return messages(input).map((m) =>
    m.ok ? `value ${writeQemuJson(m.value, { numbersAreDoubles: true })}` : m.desc,
  );
}

describe('reading bytes as QEMU does', () => {
  it('answers garbage with one error per bad token and recovers at the next structural character', () => {
    expect(errors('not json\n')).toEqual([
      "JSON parse error, invalid keyword 'not'",
      "JSON parse error, invalid keyword 'json'",
    ]);
    expect(errors('@@@{"execute":"query-status","id":"z"}')).toEqual([
      "JSON parse error, stray '@'",
      'value {"execute": "query-status", "id": "z"}',
    ]);
    expect(errors('abc"d\n')).toEqual([
      "JSON parse error, invalid keyword 'abc'",
      "JSON parse error, stray '\"d\n'",
    ]);
    expect(errors('\x01')).toEqual(["JSON parse error, stray '\x01'"]);
    expect(errors('01 ')).toEqual(["JSON parse error, stray '01'"]);
  });

  it('reports structural mistakes in QEMU words', () => {
    expect(errors('{"execute": }')).toEqual(['JSON parse error, expecting value']);
    expect(errors('}')).toEqual(['JSON parse error, expecting value']);
    expect(errors('{"a":1}}')).toEqual(['value {"a": 1}', 'JSON parse error, expecting value']);
    expect(errors('{"execute":"query-status","execute":"stop"}')).toEqual([
      'JSON parse error, duplicate key',
    ]);
    expect(errors('{"a" 1}')).toEqual(['JSON parse error, missing : in object pair']);
    expect(errors('{1:2}')).toEqual(['JSON parse error, key is not a string in object']);
    expect(errors('{"a":1 "b":2}')).toEqual(['JSON parse error, expected separator in dict']);
    expect(errors('[1 2]')).toEqual(['JSON parse error, expected separator in list']);
    // A brace cannot close a message while a bracket is open: the message goes on to the bracket.
    expect(errors('{"a":[1}]')).toEqual(['JSON parse error, expected separator in list']);
  });

  it('takes top-level scalars and arrays as messages, cut where QEMU cuts them', () => {
    expect(errors('1 2 [3]"s" ')).toEqual(['value 1', 'value 2', 'value [3]', 'value "s"']);
    // A number only ends at the next byte, as in QEMU.
    expect(messages('5')).toEqual([]);
  });

  it("decodes strings by QEMU's rules: single quotes, its escapes, surrogate pairs, modified UTF-8", () => {
    expect(errors(`{'execute':'query-name','id':'é\\u00e9\\ud83d\\ude00\\''}`)).toEqual([
      'value {"execute": "query-name", "id": "\\u00E9\\u00E9\\uD83D\\uDE00\'"}',
    ]);
    expect(errors('"\\u0000"')).toEqual(['value "\\u0000"']);
    expect(errors('"\\x7f"')).toEqual(['JSON parse error, invalid escape sequence in string']);
    expect(errors('"\\ud800"')).toEqual(['JSON parse error, \\ud800 is not a valid Unicode character']);
    expect(errors('"\\u12"')).toEqual(['JSON parse error, \\u12" is not a valid Unicode character']);
    expect(errors(Buffer.from([0x22, 0xc3, 0x22]))).toEqual([
      'JSON parse error, invalid UTF-8 sequence in string',
    ]);
    expect(errors(Buffer.from([0x22, 0xc0, 0x80, 0x22]))).toEqual(['value "\\u0000"']);
    expect(errors(Buffer.from([0xff, 0x7b, 0x7d]))).toEqual(["JSON parse error, stray '\uFFFD'", 'value {}']);
  });

  it("keeps QEMU's integer kinds: int64, then uint64, else a double", () => {
    const id = (text: string) => {
      const [m] = messages(`{"id":${text}}`);
      return m?.ok ? writeQemuJson((m.value as { id: unknown }).id, { numbersAreDoubles: true }) : m?.desc;
    };
    expect(id('-0')).toBe('0');
    expect(id('18446744073709551615')).toBe('18446744073709551615');
    expect(id('-9223372036854775809')).toBe('-9.2233720368547758e+18');
    expect(id('123456789012345678901234')).toBe('1.2345678901234569e+23');
    expect(id('1.0')).toBe('1');
    expect(id('1E2')).toBe('100');
    expect(id('1e20')).toBe('1e+20');
    expect(id('-1.5e-7')).toBe('-1.4999999999999999e-07');
    expect(id('0.1')).toBe('0.10000000000000001');
    expect(id('1e300')).toBe('1.0000000000000001e+300');
    expect(id('1e999')).toBe('inf');
  });

  it('splits nothing wrongly when bytes arrive one at a time', () => {
    const out: JsonMessage[] = [];
    const streamer = new QemuJsonStreamer((message) => out.push(message));
    for (const byte of Buffer.from('{"execute": "stop", "id": "\u00e9"} @ [1]'))
      streamer.feed(Uint8Array.of(byte));
    expect(out.map((m) => (m.ok ? writeQemuJson(m.value) : m.desc))).toEqual([
      '{"execute": "stop", "id": "\\u00E9"}',
      "JSON parse error, stray '@'",
      '[1]',
    ]);
  });

  it('enforces its limits with QEMU words, and goes on reading after them', () => {
    const small = { maxMessageBytes: 64, maxTokens: 8, maxNesting: 4 };
    // The cut token's rest is read afresh, as QEMU does: here a keyword, then a string that never ends.
    expect(messages(`"${'x'.repeat(100)}" 7 `, small).map((m) => (m.ok ? m.value : m.desc))).toEqual([
      'JSON token size limit exceeded',
      `JSON parse error, invalid keyword '${'x'.repeat(36)}'`,
    ]);
    expect(messages('[1,2,3,4,5] ', small).map((m) => (m.ok ? m.value : m.desc))).toEqual([
      'JSON token count limit exceeded',
      5n,
      'JSON parse error, expecting value',
    ]);
    expect(messages('[[[[[1]]]]]', small)[0]).toEqual({
      ok: false,
      desc: 'JSON nesting depth limit exceeded',
    });
  });
});

describe('writing JSON as QEMU does', () => {
  it('writes a greeting read back from QEMU byte for byte', () => {
    const line =
      '{"QMP": {"version": {"qemu": {"micro": 22, "minor": 2, "major": 7}, "package": "Debian 1:7.2+dfsg-7+deb12u18+b3"}, "capabilities": ["oob"]}}';
    expect(writeQemuJson(JSON.parse(line))).toBe(line);
    // Built by inserting members as QEMU does, they come out in QEMU's order.
    const qemu = qdictOf([
      ['major', 7],
      ['minor', 2],
      ['micro', 0],
    ]);
    const version = qdictOf([
      ['qemu', qemu],
      ['package', ''],
    ]);
    expect(
      writeQemuJson(
        qdictOf([
          [
            'QMP',
            qdictOf([
              ['version', version],
              ['capabilities', []],
            ]),
          ],
        ]),
      ),
    ).toBe(
      '{"QMP": {"version": {"qemu": {"micro": 0, "minor": 2, "major": 7}, "package": ""}, "capabilities": []}}',
    );
  });

  it("puts a reply's id where QEMU puts it", () => {
    expect(writeQemuJson({ return: {}, id: new RawJson('1') })).toBe('{"return": {}, "id": 1}');
    expect(writeQemuJson({ error: { desc: 'd', class: 'GenericError' }, id: new RawJson('"x"') })).toBe(
      '{"id": "x", "error": {"class": "GenericError", "desc": "d"}}',
    );
    expect(writeQemuJson({ event: 'STOP', timestamp: { microseconds: 2, seconds: 1 } })).toBe(
      '{"timestamp": {"seconds": 1, "microseconds": 2}, "event": "STOP"}',
    );
  });

  it('escapes like json-writer.c and prints doubles like %.17g', () => {
    expect(writeQemuJson('a"b\\c\n\t\x7f\u00e9\u{1f600}\x01')).toBe(
      '"a\\"b\\\\c\\n\\t\\u007F\\u00E9\\uD83D\\uDE00\\u0001"',
    );
    expect(formatG17(1.5)).toBe('1.5');
    expect(formatG17(1e-5)).toBe('1.0000000000000001e-05');
    expect(formatG17(0.0001)).toBe('0.0001');
    expect(formatG17(2 ** 60 + 2 ** 8)).toBe('1.1529215046068472e+18');
    expect(formatG17(2 ** 53 + 2)).toBe('9007199254740994');
    expect(formatG17(-0)).toBe('-0');
    // Integral numbers read from QEMU below 2^64 were integers there (precision beyond 2^53 is lost on reading).
    expect(writeQemuJson(2 ** 63)).toBe('9223372036854775808');
    expect(writeQemuJson(2 ** 64)).toBe('1.8446744073709552e+19');
    expect(writeQemuJson(0.5)).toBe('0.5');
  });

  it('orders members by bucket, newest first within one', () => {
    expect(qdictOrder(['major', 'minor', 'micro'])).toEqual(['micro', 'minor', 'major']);
    expect(qdictOrder(['return', 'id'])).toEqual(['return', 'id']);
    expect(qdictOrder(['error', 'id'])).toEqual(['id', 'error']);
    // Re-sorting what QEMU wrote changes nothing, except undoing JavaScript's hoisting of index-like keys.
    const written = qdictOrder(['b', 'a', '7', 'id']);
    expect(qdictWrittenOrder(written)).toEqual(written);
    expect(
      qdictWrittenOrder(Object.keys(JSON.parse(`{${written.map((k) => `"${k}":1`).join(',')}}`))),
    ).toEqual(written);
  });
});
