/**
 * Every answer carries helmet's headers for the bridge's options (its middleware made once at start): the same set
 * helmet writes on a plain node response, HSTS only when the bridge serves TLS.
 */
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import Fastify from 'fastify';
import helmet from 'helmet';
import { describe, expect, it } from 'vitest';
import { helmetOptions, securityHeaders } from './security-headers.ts';

/** What helmet's middleware itself sets on a plain node response with the bridge's options. */
function helmetOnARealResponse(tls: boolean): Record<string, unknown> {
  const response = new ServerResponse(new IncomingMessage(new Socket()));
  helmet(helmetOptions(tls))(response.req, response, () => {});
  return response.getHeaders();
}

async function answerHeaders(tls: boolean): Promise<Record<string, unknown>> {
  const app = Fastify();
  await securityHeaders(app, tls);
  app.get('/x', () => ({ ok: true }));
  const answer = await app.inject({ method: 'GET', url: '/x' });
  await app.close();
  return answer.headers;
}

describe('security headers', () => {
  it.each([false, true])('are exactly helmet’s, on every answer (TLS: %s)', async (tls) => {
    const expected = helmetOnARealResponse(tls);
    const headers = await answerHeaders(tls);
    for (const [name, value] of Object.entries(expected)) expect(headers[name], name).toBe(value);
    expect(Object.keys(expected)).toEqual(
      expect.arrayContaining(['content-security-policy', 'x-content-type-options', 'x-frame-options']),
    );
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(headers['strict-transport-security']).toBe(tls ? 'max-age=31536000' : undefined);
  });
});
