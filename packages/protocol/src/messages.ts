/**
 * Every WebSocket message of `/api/ws`, declared once as a validator. The
 * bridge parses what clients send with `ClientMessage`; the web app parses what
 * the bridge sends with `ServerMessage`. Types are inferred, never written twice.
 */
import { z } from 'zod';
import { SessionUser } from './auth.ts';
import { ErrorBody } from './errors.ts';
import { EventRecord } from './events.ts';
import { InflightCommand } from './inflight.ts';
import { Job } from './jobs.ts';
import { UsageSample } from './metrics.ts';
import { Vm } from './vm.ts';

/** The version of this contract; sent in `hello`. */
export const PROTOCOL_VERSION = 1;

const VmId = z.string().min(1).max(128);
const ClientCommandId = z.union([z.string().max(128), z.number()]);

export const SubscribeMessage = z.strictObject({
  type: z.literal('subscribe'),
  vm: VmId,
  /** Replay stored events with a seq above this, then go live. */
  after: z.number().int().nonnegative().optional(),
  /**
   * Receive this VM's events as `events` batches (replay pages and live bursts) instead of one `event` message
   * each. Clients that leave it out get `event` messages as before.
   */
  batch: z.boolean().optional(),
});
export const UnsubscribeMessage = z.strictObject({ type: z.literal('unsubscribe'), vm: VmId });
export const ExecuteMessage = z.strictObject({
  type: z.literal('execute'),
  id: ClientCommandId,
  vm: VmId,
  execute: z.string().min(1).max(256),
  arguments: z.record(z.string(), z.unknown()).optional(),
  timeoutMs: z.number().int().positive().max(3_600_000).optional(),
  origin: z.string().max(128).optional(),
  /**
   * Where the command goes: QEMU's monitor (default), the guest agent (`guest-*` commands), or the bridge itself
   * (its actions such as `vm.start` and `vm.kill`, named in `BridgeAction`).
   */
  target: z.enum(['qmp', 'guest', 'bridge']).optional(),
});
export const PingMessage = z.strictObject({ type: z.literal('ping'), id: ClientCommandId.optional() });

export const ClientMessage = z.discriminatedUnion('type', [
  SubscribeMessage,
  UnsubscribeMessage,
  ExecuteMessage,
  PingMessage,
]);
export type ClientMessage = z.infer<typeof ClientMessage>;
export type SubscribeMessage = z.infer<typeof SubscribeMessage>;
export type ExecuteMessage = z.infer<typeof ExecuteMessage>;

export const HelloMessage = z.object({
  type: z.literal('hello'),
  version: z.string(),
  protocol: z.number().int().optional(),
  client: z.string().optional(),
  /** The signed-in user; null when the bridge has no users (loopback only, full access). */
  user: SessionUser.nullable().optional(),
});
export const ResultMessage = z.union([
  z.object({ type: z.literal('result'), id: ClientCommandId, return: z.unknown() }),
  z.object({ type: z.literal('result'), id: ClientCommandId, error: ErrorBody }),
]);
export const EventMessage = EventRecord.extend({ type: z.literal('event') });
/** Several events of one VM, oldest first, with consecutive-or-growing seqs; only to a `subscribe` with `batch`. */
export const EventsMessage = z.object({
  type: z.literal('events'),
  vm: z.string(),
  events: z.array(EventRecord),
});
export const VmMessage = z.object({ type: z.literal('vm'), vm: Vm });
export const VmRemovedMessage = z.object({ type: z.literal('vm-removed'), vm: z.string() });
export const InflightMessage = z.object({
  type: z.literal('inflight'),
  vm: z.string(),
  commands: z.array(InflightCommand),
});
/** Sent once a subscription's replay is done: everything after `lastSeq` comes live. */
export const SubscribedMessage = z.object({
  type: z.literal('subscribed'),
  vm: z.string(),
  lastSeq: z.number().int(),
});
export const ErrorMessage = z.object({
  type: z.literal('error'),
  error: ErrorBody,
  /** Echoes the offending message's id when it had one. */
  id: ClientCommandId.optional(),
});
export const PongMessage = z.object({ type: z.literal('pong'), id: ClientCommandId.optional() });
/** A job started, progressed or ended; to every client that may see its VM (storage jobs: to every client). */
export const JobMessage = z.object({ type: z.literal('job'), job: Job });
/** The latest usage sample of a VM, to its subscribers. */
export const UsageMessage = z.object({ type: z.literal('usage'), vm: z.string(), sample: UsageSample });

export const ServerMessage = z.union([
  HelloMessage,
  ResultMessage,
  EventMessage,
  EventsMessage,
  VmMessage,
  VmRemovedMessage,
  InflightMessage,
  SubscribedMessage,
  ErrorMessage,
  PongMessage,
  JobMessage,
  UsageMessage,
]);
export type ServerMessage = z.infer<typeof ServerMessage>;
export type EventMessage = z.infer<typeof EventMessage>;
export type EventsMessage = z.infer<typeof EventsMessage>;
export type ResultMessage = z.infer<typeof ResultMessage>;
export type VmMessage = z.infer<typeof VmMessage>;
export type InflightMessage = z.infer<typeof InflightMessage>;
export type JobMessage = z.infer<typeof JobMessage>;
export type UsageMessage = z.infer<typeof UsageMessage>;
