/**
 * The one error type of the web app, for anything it asked of the bridge (a
 * command over the socket, an HTTP request): the bridge's `{ class, desc }`
 * (QEMU's own class passes through), plus the HTTP status when it came over
 * HTTP. (The bridge's own error class is `BridgeError`; this is the page's side.) Network
 * failures and malformed answers get classes of their own so the UI can always
 * show "class: desc" without guessing.
 */
import type { ErrorBody } from '@qmpdeck/protocol';

export class RequestError extends Error {
  readonly class: string;
  readonly desc: string;
  readonly status: number | null;

  constructor(body: ErrorBody, status: number | null = null) {
    super(`${body.class}: ${body.desc}`);
    this.name = 'RequestError';
    this.class = body.class;
    this.desc = body.desc;
    this.status = status;
  }
}

/** Turns anything thrown into a RequestError so components only deal with one shape. */
export function toRequestError(error: unknown): RequestError {
  if (error instanceof RequestError) return error;
  if (error instanceof Error) return new RequestError({ class: 'ClientError', desc: error.message });
  return new RequestError({ class: 'ClientError', desc: String(error) });
}
