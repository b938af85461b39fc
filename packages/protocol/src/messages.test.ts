import { describe, expect, it } from 'vitest';
import { ClientMessage, ServerMessage } from './messages.ts';

describe('ClientMessage', () => {
  it('accepts a subscribe with after', () => {
    expect(ClientMessage.parse({ type: 'subscribe', vm: 'alpha', after: 3 })).toEqual({
      type: 'subscribe',
      vm: 'alpha',
      after: 3,
    });
  });

  it('rejects unknown message types and unknown fields', () => {
    expect(ClientMessage.safeParse({ type: 'launch-missiles' }).success).toBe(false);
    expect(ClientMessage.safeParse({ type: 'subscribe', vm: 'a', extra: 1 }).success).toBe(false);
  });

  it('rejects an execute without an id', () => {
    expect(ClientMessage.safeParse({ type: 'execute', vm: 'a', execute: 'stop' }).success).toBe(false);
  });
});

describe('ServerMessage', () => {
  it('reads a result with a QMP error', () => {
    const parsed = ServerMessage.parse({
      type: 'result',
      id: 7,
      error: { class: 'CommandNotFound', desc: 'The command nope has not been found' },
    });
    expect(parsed.type).toBe('result');
  });

  it('reads an event', () => {
    const parsed = ServerMessage.parse({
      type: 'event',
      vm: 'alpha',
      seq: 1,
      event: 'STOP',
      timestamp: { seconds: 1, microseconds: 2 },
      cause: null,
    });
    expect(parsed).toMatchObject({ type: 'event', event: 'STOP' });
  });
});
