/**
 * The shapes of QMP messages and the mapping from command names to their argument and result types. Known commands
 * (from the generated QAPI types) are typed; any other name still works with untyped arguments and result.
 */
import type { QmpCommands, QmpEvents, QueryStatusResultStatus } from './generated/qapi.ts';

export type { QmpCommands, QmpEvents };

/** QEMU's RunState enum (`prelaunch`, `running`, `paused`, ...), as `query-status` returns it. */
export type RunState = QueryStatusResultStatus;

export type QmpAddress = { path: string } | { host: string; port: number };

export interface QmpTimestamp {
  seconds: number;
  microseconds: number;
}

export interface QmpEvent {
  event: string;
  data?: Record<string, unknown>;
  timestamp: QmpTimestamp;
}

export interface QmpGreeting {
  version: { qemu: { major: number; minor: number; micro: number }; package: string };
  capabilities: string[];
}

export type QmpCommandName = keyof QmpCommands & string;
export type QmpEventName = keyof QmpEvents & string;

/** An event whose `data` is typed from the schema; narrow a `QmpEvent` to it with `isQmpEvent`. */
export type TypedQmpEvent<N extends QmpEventName> = N extends QmpEventName
  ? {
      event: N;
      timestamp: QmpTimestamp;
    } & (QmpEvents[N] extends Record<string, never>
      ? { data?: Record<string, never> } // QEMU omits `data` for events that carry none
      : { data: QmpEvents[N] & Record<string, unknown> })
  : never;

/** Arguments of a known command, or a loose object for any other. */
export type ArgsOf<K extends string> = K extends QmpCommandName
  ? QmpCommands[K]['args']
  : Record<string, unknown>;

/** Result of a known command, or `unknown` for any other. */
export type ReturnOf<K extends string> = K extends QmpCommandName ? QmpCommands[K]['returns'] : unknown;

export interface ConnectOptions {
  /** Socket connect timeout. Default 3000 ms. */
  connectTimeoutMs?: number;
  /** How long to wait for the greeting; none means another client holds the monitor (QmpBusyError). Default 3000. */
  greetingTimeoutMs?: number;
  /** Enable out-of-band execution when the server offers it. */
  oob?: boolean;
  /** Largest accepted message, in bytes. Default 64 MiB. */
  maxMessageBytes?: number;
  /** Per-command timeout unless a call gives its own. Default 30000 ms. */
  defaultTimeoutMs?: number;
}

export interface ExecuteOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Send as `exec-oob` (requires the `oob` capability to be negotiated). */
  oob?: boolean;
}
