/**
 * A stored event: a QMP event or one of the bridge's own (connection changes),
 * numbered per VM by `seq`, which only grows, across QEMU and bridge restarts.
 */
import { z } from 'zod';

export const Timestamp = z.object({
  seconds: z.number().int(),
  microseconds: z.number().int(),
});
export type Timestamp = z.infer<typeof Timestamp>;

/** Who sent a command: which client, which user, from which control. */
export const Actor = z.object({
  /** The bridge's id of the WebSocket or HTTP client. */
  client: z.string(),
  user: z.string().nullable(),
  /** What the person used, e.g. "Pause button", "console", "http". */
  origin: z.string().nullable(),
  /** The peer address of the client. */
  remote: z.string().nullable().optional(),
});
export type Actor = z.infer<typeof Actor>;

/** The command that most likely caused an event, when the bridge knows it. */
export const Cause = Actor.extend({
  command: z.string(),
  arguments: z.record(z.string(), z.unknown()).nullable().optional(),
  /** The bridge's id of that command (the client's own id when it gave one). */
  id: z.string(),
});
export type Cause = z.infer<typeof Cause>;

/** Events the bridge emits itself; QMP's own names never start with `BRIDGE_`. */
export const BridgeEventName = {
  Connected: 'BRIDGE_CONNECTED',
  Disconnected: 'BRIDGE_DISCONNECTED',
  Busy: 'BRIDGE_BUSY',
  ProcessStarted: 'BRIDGE_PROCESS_STARTED',
  ProcessExited: 'BRIDGE_PROCESS_EXITED',
  GuestAgentConnected: 'BRIDGE_GUEST_AGENT_CONNECTED',
  GuestAgentUnavailable: 'BRIDGE_GUEST_AGENT_UNAVAILABLE',
  /** A bridge that started found this VM's QEMU still running (its pid in `data.pid`) and took it back. */
  Reattached: 'BRIDGE_REATTACHED',
  /** A stop went on to its next step: `data.step` is `quit` or `kill`, `data.afterMs` since the stop began. */
  StopEscalated: 'BRIDGE_STOP_ESCALATED',
  /** A job began (`data`: `job`, `kind`, `description`); its cause is the command and user that started it. */
  JobStarted: 'BRIDGE_JOB_STARTED',
  /** A job ended (`data`: `job`, `kind`, `outcome` done/failed/cancelled, `error`, `durationMs`); same cause. */
  JobEnded: 'BRIDGE_JOB_ENDED',
} as const;

export const EventRecord = z.object({
  vm: z.string(),
  seq: z.number().int().positive(),
  event: z.string(),
  data: z.record(z.string(), z.unknown()).optional(),
  timestamp: Timestamp,
  source: z.enum(['qemu', 'bridge']).optional(),
  cause: Cause.nullable().optional(),
});
export type EventRecord = z.infer<typeof EventRecord>;

export const EventPage = z.object({
  events: z.array(EventRecord),
  /** The highest seq stored for this VM, so a client knows whether more exists. */
  lastSeq: z.number().int(),
});
export type EventPage = z.infer<typeof EventPage>;
