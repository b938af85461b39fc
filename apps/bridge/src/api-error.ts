/**
 * The bridge's own failures, shaped like QMP's `{ class, desc }` so HTTP bodies and
 * WebSocket errors read the same whether QEMU or the bridge refused. `status` is
 * the HTTP status the error maps to.
 */
import type { ErrorBody } from '@qmpdeck/protocol';

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly class_: string,
    readonly desc: string,
    readonly status: number,
  ) {
    super(desc);
  }

  get body(): ErrorBody {
    return { class: this.class_, desc: this.desc };
  }
}

/** QEMU's error classes pass through as they are, with a status saying who is at fault. */
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
  if (err instanceof ApiError) return { body: err.body, status: err.status };
  if (err instanceof Error && typeof (err as { class?: unknown }).class === 'string') {
    const cls = (err as unknown as { class: string }).class;
    const desc = (err as { desc?: unknown }).desc;
    return {
      body: { class: cls, desc: typeof desc === 'string' ? desc : err.message },
      status: STATUS_BY_CLASS[cls] ?? 400,
    };
  }
  return { body: { class: 'Internal', desc: err instanceof Error ? err.message : String(err) }, status: 500 };
}
