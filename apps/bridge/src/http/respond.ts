/** Writing JSON responses; every error body is `{ error: { class, desc } }`. */
import type { ServerResponse } from 'node:http';
import type { ErrorResponse } from '@qmpdeck/protocol';
import { toErrorBody } from '../bridge-error.ts';

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

export function sendError(res: ServerResponse, err: unknown): void {
  const { body, status } = toErrorBody(err);
  const response: ErrorResponse = { error: body };
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, status, response);
}
