/**
 * A VM's event recorder: every event, QEMU's or the bridge's own, gets its most likely cause (commands/find-cause),
 * is stored with the VM's next `seq`, and is published to subscribers, in that order. A storage failure (a full
 * disk, a broken database) loses that event loudly, never the VM's connection.
 */
import type { Cause, EventRecord, Timestamp } from '@qmpdeck/protocol';
import { findCause } from '../commands/find-cause.ts';
import type { InflightCommands } from '../commands/inflight-commands.ts';
import type { EventStore } from '../events/event-store.ts';
import type { Logger } from '../log.ts';

export interface RecordedEvent {
  event: string;
  data?: Record<string, unknown> | undefined;
  /** QEMU's own timestamp; the bridge's events are stamped now. */
  timestamp?: Timestamp | undefined;
  source: 'qemu' | 'bridge';
  /** Given when the bridge knows the cause itself (a job's start and end: the command that started it). */
  cause?: Cause | null | undefined;
}

/** How the parts of a VM record their own bridge events (BRIDGE_CONNECTED, BRIDGE_PROCESS_EXITED, ...). */
export type RecordBridgeEvent = (event: Omit<RecordedEvent, 'source' | 'timestamp'>) => void;

export interface EventRecorderOptions {
  vmId: string;
  store: EventStore;
  commands: InflightCommands;
  log: Logger;
  onRecord: (record: EventRecord) => void;
}

export class EventRecorder {
  constructor(readonly options: EventRecorderOptions) {}

  record(event: RecordedEvent): EventRecord | null {
    const { vmId, store, commands, log, onRecord } = this.options;
    let record: EventRecord;
    try {
      record = store.append(vmId, {
        event: event.event,
        data: event.data,
        timestamp: event.timestamp ?? nowTimestamp(),
        source: event.source,
        cause: event.cause === undefined ? findCause(commands, event) : event.cause,
      });
    } catch (err) {
      log.error({ vm: vmId, event: event.event, err }, 'could not store event');
      return null;
    }
    onRecord(record);
    return record;
  }

  /** For the VM's parts: their own events, stamped now. */
  readonly recordBridgeEvent: RecordBridgeEvent = (event) => {
    this.record({ ...event, source: 'bridge' });
  };
}

function nowTimestamp(): Timestamp {
  const ms = Date.now();
  return { seconds: Math.floor(ms / 1000), microseconds: (ms % 1000) * 1000 };
}
