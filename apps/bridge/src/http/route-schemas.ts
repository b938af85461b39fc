/**
 * The parts of HTTP requests that are not messages of `packages/protocol`: path parameters, query strings, the
 * optional body of start/kill. Everything else the routes validate is the protocol's own validator.
 */
import { z } from 'zod';

/**
 * `:id` of `/api/vms/:id/...`. The router gives it as a string (already %-decoded) by construction, so it is read,
 * not validated: a schema would cost every request for nothing.
 */
export function vmIdOf(request: { params: unknown }): string {
  return (request.params as { id: string }).id;
}

/** A query parameter that must be a non-negative integer of at least `min` when present; '' counts as absent. */
export function integerParam(name: string, min: number) {
  return z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (text === undefined || text === '') return undefined;
      const value = Number(text);
      if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < min) {
        ctx.addIssue({ code: 'custom', message: `"${name}" must be an integer of at least ${min}` });
        return z.NEVER;
      }
      return value;
    });
}

/**
 * Start and kill take no body; one may name the control a person used (`{ "origin": "Kill button" }`), shown in
 * the timeline's cause. Anything else in it is ignored, as it always was.
 */
export function originOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const origin = (body as { origin?: unknown }).origin;
  return typeof origin === 'string' && origin.length <= 128 ? origin : undefined;
}
