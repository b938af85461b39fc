/**
 * fetch + validation: every HTTP answer is parsed with the protocol's validator
 * before anything else sees it, and every failure becomes an RequestError.
 */
import { ErrorResponse } from '@qmpdeck/protocol';
import type { z } from 'zod';
import { RequestError } from './request-error.ts';

export async function fetchJson<T extends z.ZodType>(
  path: string,
  schema: T,
  init?: RequestInit,
): Promise<z.infer<T>> {
  let response: Response;
  try {
    response = await fetch(path, { ...init, headers: { accept: 'application/json', ...init?.headers } });
  } catch (error) {
    throw new RequestError({
      class: 'BridgeUnreachable',
      desc: `The bridge did not answer: ${String(error)}`,
    });
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const parsed = ErrorResponse.safeParse(body);
    if (parsed.success) throw new RequestError(parsed.data.error, response.status);
    throw new RequestError(
      { class: 'BadResponse', desc: `HTTP ${response.status} from ${path}` },
      response.status,
    );
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new RequestError({
      class: 'BadResponse',
      desc: `Unexpected answer from ${path}: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
    });
  }
  return parsed.data;
}

export function postJson<T extends z.ZodType>(path: string, schema: T, body: unknown): Promise<z.infer<T>> {
  return sendJson('POST', path, schema, body);
}

/** A request that changes something: a JSON body when given (none for a DELETE), the answer validated. */
export function sendJson<T extends z.ZodType>(
  method: 'POST' | 'PUT' | 'DELETE',
  path: string,
  schema: T,
  body?: unknown,
): Promise<z.infer<T>> {
  if (body === undefined) return fetchJson(path, schema, { method });
  return fetchJson(path, schema, {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}
