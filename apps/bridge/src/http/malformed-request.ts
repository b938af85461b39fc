/**
 * What a request node's HTTP parser cannot read gets (an unknown method such as `X-FUZZ`, bytes after a request
 * that said `Connection: close`, a malformed header): the API's one error shape, 400 `BadRequest` with the
 * security headers, then the connection closes. The fuzzer found these dropped without a word. Only when nothing
 * was written on the connection yet (node's own rule, so no answer lands inside another); a connection reset or
 * timed out is just closed, as before. The request's bytes are never echoed (they may hold a credential).
 */
import type { Socket } from 'node:net';
import { BridgeErrorClass, type ErrorResponse } from '@qmpdeck/protocol';
import type { Logger } from '../log.ts';
import { FALLBACK_SECURITY_HEADERS } from './security-headers.ts';

const SECURITY_HEADER_LINES = Object.entries(FALLBACK_SECURITY_HEADERS)
  .map(([name, value]) => `${name}: ${value}\r\n`)
  .join('');

export function answerMalformedRequests(log: Logger): (err: Error, socket: Socket) => void {
  return (err, socket) => {
    log.debug({ err }, 'malformed HTTP request');
    const code = (err as NodeJS.ErrnoException).code ?? '';
    if (!code.startsWith('HPE_') || !socket.writable || socket.bytesWritten > 0) {
      socket.destroy();
      return;
    }
    const reason = (err as { reason?: unknown }).reason;
    const body: ErrorResponse = {
      error: {
        class: BridgeErrorClass.BadRequest,
        desc: `malformed HTTP request: ${typeof reason === 'string' ? reason : code}`,
      },
    };
    const text = JSON.stringify(body);
    // An answer to HEAD has no body: a client reads one as the next answer, a broken one (the fuzzer's HEAD with a
    // raw byte 0xFF in its path failed in node's client: "Data after Connection: close"). The method is read from
    // the bytes the parser refused, which start at the request line when the request came in one piece.
    const head = (err as { rawPacket?: Buffer }).rawPacket?.subarray(0, 5).toString('latin1') === 'HEAD ';
    socket.end(
      'HTTP/1.1 400 Bad Request\r\n' +
        'content-type: application/json; charset=utf-8\r\n' +
        `content-length: ${Buffer.byteLength(text)}\r\n` +
        'cache-control: no-store\r\n' +
        SECURITY_HEADER_LINES +
        'connection: close\r\n\r\n' +
        (head ? '' : text),
    );
  };
}
