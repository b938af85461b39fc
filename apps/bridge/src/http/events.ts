/**
 * `GET /api/vms/:id/events?after=SEQ&limit=N`: a page of stored events, oldest first.
 * With `before=SEQ`: the newest `limit` events below it (and above `after`), still oldest first.
 */
import type { EventPage } from '@qmpdeck/protocol';
import { BridgeError } from '../bridge-error.ts';
import { MAX_PAGE } from '../events/event-store.ts';
import type { RouteHandler } from './context.ts';
import { sendJson } from './respond.ts';

export const listEvents: RouteHandler = ({ res, ctx, params, query }) => {
  const vm = ctx.registry.require(params.id ?? '');
  const after = integerParam(query, 'after', 0, 0);
  const limit = Math.min(integerParam(query, 'limit', 100, 1), MAX_PAGE);
  const before = query.has('before') ? integerParam(query, 'before', 0, 1) : null;
  const page: EventPage =
    before === null ? ctx.store.page(vm.id, after, limit) : ctx.store.pageBefore(vm.id, before, after, limit);
  sendJson(res, 200, page);
};

function integerParam(query: URLSearchParams, name: string, fallback: number, min: number): number {
  const text = query.get(name);
  if (text === null || text === '') return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < min) {
    throw new BridgeError('BadRequest', `"${name}" must be an integer of at least ${min}`, 400);
  }
  return value;
}
