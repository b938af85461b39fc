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
  /** 401: no valid credential (token, session cookie or trusted proxy header). */
  Unauthorized: 'Unauthorized',
  /** 429: too many failed sign-ins or tokens from this address or for this user; see Retry-After. */
  TooManyRequests: 'TooManyRequests',
  /** 409: a VM with this id exists already. */
  VmExists: 'VmExists',
  /** 409: the change needs the VM stopped. */
  VmRunning: 'VmRunning',
  /** 409: the VM comes from the config file (or discovery), not from a definition the bridge owns. */
  NotDefined: 'NotDefined',
  /** 409: a file a VM uses (its definition names it, or it is open). */
  InUse: 'InUse',
  /** 409: a file of that name exists already. */
  FileExists: 'FileExists',
  /** 404: no storage location with that id. */
  StorageNotFound: 'StorageNotFound',
  /** 404: no such file in the storage location. */
  FileNotFound: 'FileNotFound',
  /** 404: the VM has no graphical display. */
  NoDisplay: 'NoDisplay',
  /** 404: the VM has no serial console of that name. */
  NoSuchConsole: 'NoSuchConsole',
  /** 404: no job with that id. */
  JobNotFound: 'JobNotFound',
  /** 404: no backup with that id. */
  BackupNotFound: 'BackupNotFound',
  /** 404: no snapshot of that name. */
  SnapshotNotFound: 'SnapshotNotFound',
  /** 409: QEMU does not allow that now (a job that cannot pause, a snapshot of a VM without qcow2 disks...). */
  Conflict: 'Conflict',
} as const;
export type BridgeErrorClass = (typeof BridgeErrorClass)[keyof typeof BridgeErrorClass];
