/**
 * The one error shape of the whole API: every HTTP error body and every
 * WebSocket error carries `{ class, desc }`, mirroring QMP's own errors so a
 * QEMU error passes through unchanged and the bridge's own errors read alike.
 */
import { z } from 'zod';

export const ErrorBody = z.object({
  class: z.string(),
  desc: z.string(),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** Error classes the bridge itself produces (QEMU's classes pass through as they are). */
export const BridgeErrorClass = {
  BadRequest: 'BadRequest',
  InvalidJson: 'InvalidJson',
  FrameTooLarge: 'FrameTooLarge',
  /** An HTTP request body over the bridge's limit (1 MiB), answered with 413. */
  PayloadTooLarge: 'PayloadTooLarge',
  UnknownMessage: 'UnknownMessage',
  VmNotFound: 'VmNotFound',
  VmNotConnected: 'VmNotConnected',
  NotManaged: 'NotManaged',
  Timeout: 'Timeout',
  Cancelled: 'Cancelled',
  ConnectionClosed: 'ConnectionClosed',
  SlowConsumer: 'SlowConsumer',
  /** One WebSocket client has too many commands waiting for QEMU; wait for answers before sending more. */
  TooManyCommands: 'TooManyCommands',
  GuestAgentUnavailable: 'GuestAgentUnavailable',
  NotFound: 'NotFound',
  /** A request from another site's page, or to a Host name that is not the bridge's (DNS rebinding). */
  Forbidden: 'Forbidden',
  MethodNotAllowed: 'MethodNotAllowed',
  ShuttingDown: 'ShuttingDown',
  Internal: 'Internal',
} as const;
export type BridgeErrorClass = (typeof BridgeErrorClass)[keyof typeof BridgeErrorClass];
