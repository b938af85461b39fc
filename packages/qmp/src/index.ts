/**
 * @qmpdeck/qmp: a typed client for the QEMU Machine Protocol (QMP) and the QEMU Guest Agent.
 */

export { Backoff, type BackoffOptions, backoffDelay } from './backoff.ts';
export { QmpClient, type QmpClientEvents } from './client.ts';
export * from './errors.ts';
export { DEFAULT_MAX_MESSAGE_BYTES, JsonStreamParser, type JsonStreamParserOptions } from './framing.ts';
export {
  GuestAgentClient,
  type GuestAgentClientEvents,
  type GuestAgentConnectOptions,
  type GuestAgentExecuteOptions,
} from './guest-agent.ts';
export {
  type ReconnectingOptions,
  ReconnectingQmpClient,
  type ReconnectingQmpClientEvents,
  type ReconnectingState,
  type ReconnectingStateDetail,
} from './reconnecting.ts';
export { isQmpEvent } from './typed-events.ts';
export type * from './types.ts';
