/**
 * Ids of malformed executes: echoed in their `result` only when the protocol can carry them back. The WebSocket
 * fuzzer found `"id": 1e400` (Infinity once parsed) echoed as `"id": null`, a result no client could match.
 */
import { ResultMessage } from '@qmpdeck/protocol';
import { describe, expect, it } from 'vitest';
import { readClientFrame } from './client-frame.ts';

const frame = (text: string) => readClientFrame(Buffer.from(text), false);

describe('readClientFrame', () => {
  it.each(['1e400', '-1e400'])(
    'a malformed execute with id %s is answered as an error without an id',
    (id) => {
      const read = frame(`{"type":"execute","id":${id},"vm":{"value":"fuzz"},"execute":"query-status"}`);
      expect(read).toMatchObject({ ok: false, id: undefined, error: { class: 'BadRequest' } });
    },
  );

  it('a malformed execute with a finite number id gets its result with that id', () => {
    const read = frame('{"type":"execute","id":1.7976931348623157e308,"vm":5,"execute":"stop"}');
    expect(read).toMatchObject({ ok: false, id: 1.7976931348623157e308, answerAsResult: true });
    if (read.ok) throw new Error('expected a refusal');
    const answer = JSON.parse(JSON.stringify({ type: 'result', id: read.id, error: read.error }));
    expect(ResultMessage.safeParse(answer).success).toBe(true);
  });
});
