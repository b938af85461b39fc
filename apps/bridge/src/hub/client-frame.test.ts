/**
 * Ids of malformed executes: echoed in their `result` only when the protocol can carry them back. The WebSocket
 * fuzzer found `"id": 1e400` (Infinity once parsed) echoed as `"id": null`, a result no client could match. And a
 * `type` of any shape or depth is described without a throw (one nested 100,000 deep overflowed the stack).
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

  it.each([
    ['an object nested 100,000 levels deep', `${'{"x":'.repeat(100_000)}0${'}'.repeat(100_000)}`, 'a object'],
    ['an array nested 100,000 levels deep', `${'['.repeat(100_000)}${']'.repeat(100_000)}`, 'an array'],
    ['a number', '5', '5'],
    ['null', 'null', 'null'],
  ])('a message whose type is %s is UnknownMessage, never a stack overflow', (_what, type, shown) => {
    // Beyond what JSON.parse can nest here, the frame is InvalidJson instead: either way an answer, not a throw.
    const read = frame(`{"type":${type},"id":1}`);
    if (read.ok) throw new Error('expected a refusal');
    if (read.error.class === 'InvalidJson') return;
    expect(read.error).toEqual({
      class: 'UnknownMessage',
      desc: `unknown message type ${shown}; expected one of subscribe, unsubscribe, execute, ping`,
    });
  });

  it('a long unknown type is cut in the desc', () => {
    const read = frame(JSON.stringify({ type: 'y'.repeat(70_000) }));
    if (read.ok) throw new Error('expected a refusal');
    expect(read.error.desc.length).toBeLessThan(300);
  });
});
