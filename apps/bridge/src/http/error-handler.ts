/**
 * One error shape for every HTTP answer: `{ "error": { "class", "desc" } }`. The bridge's own errors and QEMU's
 * (through the library) carry their class; fastify's own failures are given the bridge's classes and statuses
 * that the API has always answered (413 PayloadTooLarge, 400 BadRequest, ...). Only the unexpected is logged.
 */
import { BridgeErrorClass, type ErrorResponse } from '@qmpdeck/protocol';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BridgeError, toErrorBody } from '../bridge-error.ts';
import type { Logger } from '../log.ts';
import { MAX_BODY_BYTES } from './json-body.ts';
import { isUpgrade } from './request-guards.ts';
import { FALLBACK_SECURITY_HEADERS } from './security-headers.ts';

export function answerErrors(app: FastifyInstance, log: Logger): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (vanishedWebFile(err, request)) {
      // The web build changed under the request (a rebuild): this file is gone, not the bridge broken.
      reply.code(404).type('text/plain; charset=utf-8').send('not found');
      return;
    }
    const error = asBridgeError(err);
    const { body, status } = toErrorBody(error);
    if (status >= 500 && status !== 503 && status !== 504 && status !== 502) {
      log.error({ err, url: request.url }, 'request failed');
    }
    if (error instanceof BridgeError) reply.headers(error.headers);
    sendError(reply, status, body);
  });
}

/**
 * For the router's own failures, which never reach the error handler (a malformed %-escape in the path). No hook
 * ran, so the security headers are set here (the fuzzer found these answers without them).
 */
export function answerFrameworkErrors(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  // As in the request guards: an upgrade answered with plain HTTP is on a socket node's server no longer tracks;
  // left open it held up the bridge's stop for good (the fuzzer found `GET /api/vms/%zz` with an upgrade).
  if (isUpgrade(request)) reply.raw.once('finish', () => request.raw.socket.destroy());
  const { body, status } = toErrorBody(asBridgeError(err));
  reply.headers(FALLBACK_SECURITY_HEADERS);
  sendError(reply, status, body);
}

function sendError(reply: FastifyReply, status: number, error: ErrorResponse['error']): void {
  const response: ErrorResponse = { error };
  reply
    .code(status)
    .header('cache-control', 'no-store')
    .type('application/json; charset=utf-8')
    .send(response);
}

function vanishedWebFile(err: FastifyError, request: FastifyRequest): boolean {
  const { code, syscall } = err as unknown as NodeJS.ErrnoException;
  return (
    (code === 'ENOENT' || code === 'ENOTDIR') && syscall !== undefined && !request.url.startsWith('/api')
  );
}

/** fastify's error codes -> the classes the API documents. */
function asBridgeError(err: FastifyError): unknown {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new BridgeError(
        BridgeErrorClass.PayloadTooLarge,
        `request body is over the ${MAX_BODY_BYTES}-byte limit`,
        413,
      );
    case 'FST_ERR_BAD_URL':
      return new BridgeError(BridgeErrorClass.BadRequest, `malformed URL: ${err.message}`, 400);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new BridgeError(BridgeErrorClass.BadRequest, err.message, 400);
  }
  if (err instanceof BridgeError || typeof (err as { class?: unknown }).class === 'string') return err;
  // Any other client error fastify raises (a 4xx of its own) is a bad request, in its words.
  if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
    return new BridgeError(BridgeErrorClass.BadRequest, err.message, 400);
  }
  return err;
}
