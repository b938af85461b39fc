import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { isHostAllowed } from './host.ts';

function request(host: string | undefined): IncomingMessage {
  return { headers: host === undefined ? {} : { host } } as IncomingMessage;
}

describe('isHostAllowed', () => {
  it.each([
    ['127.0.0.1:8080', true],
    ['localhost:8080', true],
    ['LOCALHOST', true],
    ['[::1]:8080', true],
    ['127.1.2.3', true],
    [undefined, true],
    ['evil.example:8080', false],
    ['127.0.0.1.evil.example', false],
    ['deck.lan:8080', false],
  ])('Host %s -> %s', (host, allowed) => {
    expect(isHostAllowed(request(host))).toBe(allowed);
  });

  it('allows the names in allowedHosts (a reverse proxy)', () => {
    expect(isHostAllowed(request('deck.lan:8080'), ['deck.lan'])).toBe(true);
  });
});
