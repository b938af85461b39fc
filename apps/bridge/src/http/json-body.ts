/**
 * Request bodies are JSON whatever their Content-Type says (a script's `curl -d` sends form encoding, a page's
 * `fetch` with a string body sends text/plain): parsed once, up to the body limit fastify enforces while reading.
 * Execute routes refuse what is not JSON (`InvalidJson`); start and kill read an optional `origin` and ignore
 * anything else, as they always have.
 */
import { BridgeErrorClass } from '@qmpdeck/protocol';
import type { FastifyInstance } from 'fastify';
import { BridgeError } from '../bridge-error.ts';

export const MAX_BODY_BYTES = 1024 * 1024;

export function parseJsonBodies(app: FastifyInstance, how: 'strict' | 'lenient'): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: MAX_BODY_BYTES }, (_request, text, done) => {
    try {
      done(null, parseJson(String(text)));
    } catch (err) {
      if (how === 'lenient') done(null, undefined);
      else done(err as Error, undefined);
    }
  });
}

/** An empty body is no body (undefined); anything else must be JSON. */
function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw invalidJson(`request body is not valid JSON: ${describeJsonError(err)}`);
  }
}

/**
 * V8's parse error without the excerpt of the text it quotes (`Unexpected token 'x', "{"password":"hun"... is not
 * valid JSON`): a body may hold a password, and an error answer (or a log line) must not repeat it.
 */
export function describeJsonError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  // `Unexpected token 'x', "{"a":x}" is not valid JSON`, or with `...` around a longer excerpt.
  return message.replace(/, (\.\.\.)?".*"(\.\.\.)? is not valid JSON$/s, ' (not valid JSON)');
}

export function invalidJson(desc: string): BridgeError {
  return new BridgeError(BridgeErrorClass.InvalidJson, desc, 400);
}
