/**
 * Every event name the dashboard knows, checked against QEMU's own schema (the
 * generated `QmpEventName`) and the bridge's (`BridgeEventName` of the
 * protocol): a misspelt name, a name QEMU does not have, or a QEMU event
 * left out fails the typecheck. Each has its kind (the timeline's colour and
 * filter) and a short title in plain words (the overview's "latest event",
 * which has only the name to go by).
 */
import type { BridgeEventName } from '@qmpdeck/protocol';
import type { QmpEventName, QmpEvents } from '@qmpdeck/qmp';

export type BridgeEvent = (typeof BridgeEventName)[keyof typeof BridgeEventName];
export type KnownEventName = QmpEventName | BridgeEvent;

/** The data of an event as the dashboard reads it: QEMU's fields, any of which a newer QEMU may drop. */
export type EventData<N extends KnownEventName> = N extends QmpEventName
  ? Partial<QmpEvents[N]>
  : Record<string, unknown>;

export type EventKind =
  | 'run-state'
  | 'block'
  | 'device'
  | 'migration'
  | 'guest'
  | 'display'
  | 'bridge'
  | 'other';

interface EventName {
  kind: EventKind;
  title: string;
}

export const EVENT_NAMES: Record<KnownEventName, EventName> = {
  STOP: { kind: 'run-state', title: 'Paused' },
  RESUME: { kind: 'run-state', title: 'Started running' },
  RESET: { kind: 'run-state', title: 'Reset' },
  SHUTDOWN: { kind: 'run-state', title: 'Shut down' },
  POWERDOWN: { kind: 'run-state', title: 'Power button pressed' },
  SUSPEND: { kind: 'run-state', title: 'Guest went to sleep' },
  SUSPEND_DISK: { kind: 'run-state', title: 'Guest hibernated' },
  WAKEUP: { kind: 'run-state', title: 'Guest woke up' },
  GUEST_PANICKED: { kind: 'guest', title: 'Guest kernel panicked' },
  GUEST_CRASHLOADED: { kind: 'guest', title: 'Guest loaded its crash kernel' },
  WATCHDOG: { kind: 'guest', title: 'Watchdog fired' },
  RTC_CHANGE: { kind: 'guest', title: 'Guest set its clock' },
  BALLOON_CHANGE: { kind: 'guest', title: 'Balloon size changed' },
  NIC_RX_FILTER_CHANGED: { kind: 'guest', title: 'Guest changed a NIC filter' },
  ACPI_DEVICE_OST: { kind: 'guest', title: 'Guest reported a device status' },
  MIGRATION: { kind: 'migration', title: 'Migration status changed' },
  MIGRATION_PASS: { kind: 'migration', title: 'Migration pass' },
  COLO_EXIT: { kind: 'migration', title: 'COLO ended' },
  SPICE_MIGRATE_COMPLETED: { kind: 'migration', title: 'SPICE migration finished' },
  UNPLUG_PRIMARY: { kind: 'migration', title: 'Primary device unplugged' },
  BLOCK_EXPORT_DELETED: { kind: 'block', title: 'Block export removed' },
  BLOCK_IMAGE_CORRUPTED: { kind: 'block', title: 'Disk image corrupted' },
  BLOCK_IO_ERROR: { kind: 'block', title: 'Disk I/O error' },
  BLOCK_JOB_CANCELLED: { kind: 'block', title: 'Block job cancelled' },
  BLOCK_JOB_COMPLETED: { kind: 'block', title: 'Block job finished' },
  BLOCK_JOB_ERROR: { kind: 'block', title: 'Block job error' },
  BLOCK_JOB_PENDING: { kind: 'block', title: 'Block job waiting to finish' },
  BLOCK_JOB_READY: { kind: 'block', title: 'Block job ready' },
  BLOCK_WRITE_THRESHOLD: { kind: 'block', title: 'Write threshold passed' },
  QUORUM_FAILURE: { kind: 'block', title: 'Quorum failure' },
  QUORUM_REPORT_BAD: { kind: 'block', title: 'Quorum reported a bad read' },
  JOB_STATUS_CHANGE: { kind: 'block', title: 'Job status changed' },
  DEVICE_TRAY_MOVED: { kind: 'block', title: 'Tray opened or closed' },
  DUMP_COMPLETED: { kind: 'block', title: 'Memory dump finished' },
  VNC_CONNECTED: { kind: 'display', title: 'VNC client connected' },
  VNC_INITIALIZED: { kind: 'display', title: 'VNC client ready' },
  VNC_DISCONNECTED: { kind: 'display', title: 'VNC client disconnected' },
  SPICE_CONNECTED: { kind: 'display', title: 'SPICE client connected' },
  SPICE_INITIALIZED: { kind: 'display', title: 'SPICE client ready' },
  SPICE_DISCONNECTED: { kind: 'display', title: 'SPICE client disconnected' },
  DEVICE_DELETED: { kind: 'device', title: 'Device removed' },
  DEVICE_UNPLUG_GUEST_ERROR: { kind: 'device', title: 'Guest refused an unplug' },
  MEM_UNPLUG_ERROR: { kind: 'device', title: 'Memory unplug failed' },
  MEMORY_DEVICE_SIZE_CHANGE: { kind: 'device', title: 'Memory device resized' },
  MEMORY_FAILURE: { kind: 'device', title: 'Memory failure' },
  VSERPORT_CHANGE: { kind: 'device', title: 'Serial port opened or closed' },
  NETDEV_STREAM_CONNECTED: { kind: 'device', title: 'Network stream connected' },
  NETDEV_STREAM_DISCONNECTED: { kind: 'device', title: 'Network stream disconnected' },
  FAILOVER_NEGOTIATED: { kind: 'device', title: 'Failover negotiated' },
  RDMA_GID_STATUS_CHANGED: { kind: 'device', title: 'RDMA GID status changed' },
  PR_MANAGER_STATUS_CHANGED: { kind: 'other', title: 'PR manager status changed' },
  VFU_CLIENT_HANGUP: { kind: 'other', title: 'vfio-user client hung up' },
  BRIDGE_CONNECTED: { kind: 'bridge', title: 'Bridge connected to QMP' },
  BRIDGE_DISCONNECTED: { kind: 'bridge', title: 'Bridge lost QMP' },
  BRIDGE_BUSY: { kind: 'bridge', title: 'Monitor held by another client' },
  BRIDGE_PROCESS_STARTED: { kind: 'bridge', title: 'QEMU started' },
  BRIDGE_PROCESS_EXITED: { kind: 'bridge', title: 'QEMU exited' },
  BRIDGE_GUEST_AGENT_CONNECTED: { kind: 'guest', title: 'Guest agent connected' },
  BRIDGE_GUEST_AGENT_UNAVAILABLE: { kind: 'guest', title: 'Guest agent not answering' },
  BRIDGE_REATTACHED: { kind: 'bridge', title: 'Bridge took the running QEMU back' },
  BRIDGE_STOP_ESCALATED: { kind: 'bridge', title: 'Stop went on to its next step' },
  BRIDGE_JOB_STARTED: { kind: 'bridge', title: 'Job started' },
  BRIDGE_JOB_ENDED: { kind: 'bridge', title: 'Job ended' },
};

export function isKnownEvent(name: string): name is KnownEventName {
  return Object.hasOwn(EVENT_NAMES, name);
}

export function isBridgeEvent(name: string): boolean {
  return name.startsWith('BRIDGE_');
}

/** A short phrase for an event name: the known title, or the name itself in words for one this QEMU added. */
export function eventTitle(name: string): string {
  if (isKnownEvent(name)) return EVENT_NAMES[name].title;
  const words = name.toLowerCase().replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
