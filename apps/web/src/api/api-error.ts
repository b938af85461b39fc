/**
 * The one error type of the web app: the bridge's `{ class, desc }` (QEMU's own
 * class passes through), plus the HTTP status when it came over HTTP. Network
 * failures and malformed answers get classes of their own so the UI can always
 * show "class: desc" without guessing.
 */
import type { ErrorBody } from '@qmpdeck/protocol';

export class ApiError extends Error {
  readonly class: string;
  readonly desc: string;
  readonly status: number | null;

  constructor(body: ErrorBody, status: number | null = null) {
    super(`${body.class}: ${body.desc}`);
    this.name = 'ApiError';
    this.class = body.class;
    this.desc = body.desc;
    this.status = status;
  }
}

/** Turns anything thrown into an ApiError so components only deal with one shape. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof Error) return new ApiError({ class: 'ClientError', desc: error.message });
  return new ApiError({ class: 'ClientError', desc: String(error) });
}
