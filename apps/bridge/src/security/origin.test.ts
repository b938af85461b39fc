import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { isOriginAllowed } from './origin.ts';

function upgrade(headers: Record<string, string>): IncomingMessage {
  return { headers } as IncomingMessage;
}

describe('isOriginAllowed', () => {
  it.each<[Record<string, string>, boolean, string]>([
    [{ host: '127.0.0.1:8080' }, true, 'no Origin: not a browser'],
    [{ host: '127.0.0.1:8080', origin: 'http://127.0.0.1:8080' }, true, 'same origin'],
    [{ host: 'localhost:8080', origin: 'http://localhost:5173' }, true, 'a loopback dev server'],
    [{ host: '127.0.0.1:8080', origin: 'https://evil.example' }, false, 'a cross-site page'],
    [
      { host: 'evil.example:8080', origin: 'http://evil.example:8080' },
      true,
      'same origin (host.ts refuses the name)',
    ],
    [{ host: 'evil.example', origin: 'http://localhost' }, false, 'a loopback page against a rebound name'],
    [{ host: '127.0.0.1:8080', origin: 'null' }, false, 'an opaque origin'],
  ])('%j -> %s (%s)', (headers, allowed, _why) => {
    expect(isOriginAllowed(upgrade(headers))).toBe(allowed);
  });

  it('allows configured origins', () => {
    expect(
      isOriginAllowed(upgrade({ host: '127.0.0.1:8080', origin: 'https://deck.lan' }), ['https://deck.lan']),
    ).toBe(true);
  });
});
