/**
 * The bridge's own failures, as typed values shaped like QMP's `{ class, desc }`, so HTTP bodies and WebSocket
 * errors read the same whether QEMU or the bridge refused. `status` is the HTTP status the error maps to.
 * (`BridgeError` is the bridge's; the library's errors are `QmpClientError`s; both carry `class` and `desc`.)
 */
import { BridgeErrorClass, type ErrorBody } from '@qmpdeck/protocol';

export class BridgeError extends Error {
  override readonly name = 'BridgeError';
  readonly class: BridgeErrorClass;

  constructor(
    errorClass: BridgeErrorClass,
    readonly desc: string,
    readonly status: number,
    /** HTTP headers the answer carries (`WWW-Authenticate` with a 401, `Retry-After` with a 429). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(desc);
    this.class = errorClass;
  }

  get body(): ErrorBody {
    return { class: this.class, desc: this.desc };
  }
}

/** The usual ones, named once so their class, words and status never drift apart. */
export const vmNotFound = (id: string): BridgeError =>
  new BridgeError(BridgeErrorClass.VmNotFound, `no VM with id "${id}"`, 404);
export const badRequest = (desc: string): BridgeError =>
  new BridgeError(BridgeErrorClass.BadRequest, desc, 400);
export const unauthorized = (desc: string): BridgeError =>
  new BridgeError(BridgeErrorClass.Unauthorized, desc, 401, { 'www-authenticate': 'Bearer realm="qmpdeck"' });
export const tooManyRequests = (retryAfterS: number): BridgeError =>
  new BridgeError(
    BridgeErrorClass.TooManyRequests,
    `too many failed sign-ins or credentials from this address or for this user; try again in ${retryAfterS} s`,
    429,
    { 'retry-after': String(retryAfterS) },
  );
export const forbidden = (desc: string): BridgeError =>
  new BridgeError(BridgeErrorClass.Forbidden, desc, 403);

/** QEMU's and the library's classes pass through as they are, with a status saying who is at fault. */
const STATUS_BY_CLASS: Record<string, number> = {
  Timeout: 504,
  ConnectionClosed: 503,
  ConnectFailed: 503,
  MonitorBusy: 503,
  VmNotConnected: 503,
  ShuttingDown: 503,
  Cancelled: 503,
  ProtocolError: 502,
  GuestAgentUnavailable: 503,
};

/** Any thrown value -> `{ class, desc }` plus an HTTP status; never loses QEMU's own class. */
export function toErrorBody(err: unknown): { body: ErrorBody; status: number } {
  if (err instanceof BridgeError) return { body: err.body, status: err.status };
  if (err instanceof Error && typeof (err as { class?: unknown }).class === 'string') {
    const cls = (err as unknown as { class: string }).class;
    const desc = (err as { desc?: unknown }).desc;
    return {
      body: { class: cls, desc: typeof desc === 'string' ? desc : err.message },
      status: STATUS_BY_CLASS[cls] ?? 400,
    };
  }
  return {
    body: { class: BridgeErrorClass.Internal, desc: err instanceof Error ? err.message : String(err) },
    status: 500,
  };
}
