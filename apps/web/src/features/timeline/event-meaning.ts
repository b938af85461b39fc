/**
 * One line in plain words for each event: what happened to the VM. Each
 * meaning reads its event's data as QEMU's schema types it (the generated
 * types: a field QEMU does not have fails the typecheck); a field missing at
 * run time reads as "?" rather than failing, since a newer QEMU may change them.
 */
import type { Cause, EventRecord } from '@qmpdeck/protocol';
import type { QmpEvents } from '@qmpdeck/qmp';
import { type EventData, isKnownEvent, type KnownEventName } from '../../qemu/event-names.ts';

type ResetEventReason = QmpEvents['RESET']['reason'];
const text = (value: unknown) => (value === undefined || value === null ? '?' : String(value));

/** How a host-side ShutdownCause came about, in words ("the VM was reset by a system_reset command"). */
const HOST_CAUSES: Partial<Record<ResetEventReason, string>> = {
  'host-error': ' after an error in QEMU',
  'host-qmp-quit': ' by a quit command',
  'host-qmp-system-reset': ' by a system_reset command',
  'host-signal': ' by a signal to QEMU',
  'host-ui': ' from the QEMU window',
  'guest-panic': ' after a guest panic',
  'subsystem-reset': ' by a subsystem reset',
  'snapshot-load': ' by loading a snapshot',
};
type Reasoned = { reason?: ResetEventReason | string };
/**
 * QEMU's own reason word, kept as it is (people and scripts search for `guest-shutdown`);
 * the words around it only explain it.
 */
const reasonNote = (data: Reasoned) =>
  typeof data.reason === 'string' && data.reason !== 'none' ? ` (reason: ${data.reason})` : '';
const hostCause = (data: Reasoned) => HOST_CAUSES[data.reason as ResetEventReason] ?? '';
const device = (data: { device?: string; id?: string; 'node-name'?: string; path?: string }) =>
  text(data.device || data.id || data['node-name'] || data.path);

/**
 * What the VM was doing before a RESUME, as far as the page can tell: `paused` (it ran before and was
 * stopped), `prelaunch` (it had not booted: a fresh QEMU started with -S, or a reset while paused), or
 * `unknown` (the bridge connected to a QEMU already paused or not started). Only `paused` is "running again".
 */
export type ResumedFrom = 'paused' | 'prelaunch' | 'unknown';

const RESUME_WORDS: Record<ResumedFrom, string> = {
  paused: 'the VM is running again',
  prelaunch: 'the VM started running: its first boot (from prelaunch)',
  unknown: 'the VM started running',
};

type Meaning<N extends KnownEventName> = (
  data: EventData<N>,
  context: { resumedFrom: ResumedFrom },
) => string;
type Meanings = { [N in KnownEventName]?: Meaning<N> };

const MEANINGS: Meanings = {
  STOP: () => 'the VM was paused',
  RESUME: (_, { resumedFrom }) => RESUME_WORDS[resumedFrom],
  RESET: (d) =>
    d.guest === true
      ? `the guest reset itself${reasonNote(d)}`
      : `the VM was reset${hostCause(d)}${reasonNote(d)}`,
  SHUTDOWN: (d) =>
    d.guest === true
      ? `the guest shut itself down${reasonNote(d)}`
      : `the VM was shut down${hostCause(d)}${reasonNote(d)}`,
  POWERDOWN: () => 'the ACPI power button was pressed',
  SUSPEND: () => 'the guest went to sleep (ACPI S3)',
  SUSPEND_DISK: () => 'the guest hibernated (ACPI S4)',
  WAKEUP: () => 'the guest woke up',
  GUEST_PANICKED: (d) => `the guest kernel panicked (action: ${text(d.action)})`,
  GUEST_CRASHLOADED: () => 'the guest loaded its crash kernel',
  WATCHDOG: (d) => `the watchdog fired (action: ${text(d.action)})`,
  DEVICE_TRAY_MOVED: (d) => `tray ${d['tray-open'] === true ? 'opened' : 'closed'} on ${device(d)}`,
  DEVICE_DELETED: (d) => `device ${device(d)} was removed`,
  DEVICE_UNPLUG_GUEST_ERROR: (d) => `the guest refused to unplug ${device(d)}`,
  BLOCK_IO_ERROR: (d) => `${text(d.operation)} error on ${device(d)} (${text(d.action)})`,
  BLOCK_IMAGE_CORRUPTED: (d) => `disk image of ${device(d)} is corrupted`,
  BLOCK_JOB_COMPLETED: (d) =>
    d.error ? `${text(d.type)} job on ${device(d)} failed` : `${text(d.type)} job on ${device(d)} finished`,
  BLOCK_JOB_CANCELLED: (d) => `${text(d.type)} job on ${device(d)} was cancelled`,
  BLOCK_JOB_READY: (d) => `${text(d.type)} job on ${device(d)} is ready to complete`,
  BLOCK_JOB_ERROR: (d) => `block job on ${device(d)} hit an error`,
  BLOCK_JOB_PENDING: (d) => `block job ${text(d.id)} is waiting to finish`,
  BLOCK_WRITE_THRESHOLD: (d) => `write threshold passed on ${text(d['node-name'])}`,
  JOB_STATUS_CHANGE: (d) => `job ${text(d.id)} is now ${text(d.status)}`,
  MIGRATION: (d) => `migration is ${text(d.status)}`,
  MIGRATION_PASS: (d) => `migration pass ${text(d.pass)}`,
  VNC_CONNECTED: () => 'a VNC client connected',
  VNC_INITIALIZED: () => 'a VNC client finished its handshake',
  VNC_DISCONNECTED: () => 'a VNC client disconnected',
  SPICE_CONNECTED: () => 'a SPICE client connected',
  SPICE_INITIALIZED: () => 'a SPICE client finished its handshake',
  SPICE_DISCONNECTED: () => 'a SPICE client disconnected',
  VSERPORT_CHANGE: (d) => `serial port ${text(d.id)} ${d.open === true ? 'opened' : 'closed'} in the guest`,
  RTC_CHANGE: (d) => `the guest set its clock (offset ${text(d.offset)} s)`,
  BALLOON_CHANGE: (d) => `the balloon holds ${text(d.actual)} bytes`,
  NIC_RX_FILTER_CHANGED: (d) => `the guest changed the receive filter of ${text(d.name ?? d.path)}`,
  MEMORY_DEVICE_SIZE_CHANGE: (d) =>
    `memory device ${text(d.id ?? d['qom-path'])} is now ${text(d.size)} bytes`,
  MEMORY_FAILURE: (d) => `memory failure handled by ${text(d.recipient)} (${text(d.action)})`,
  ACPI_DEVICE_OST: () => 'the guest reported an ACPI device status',
  BRIDGE_CONNECTED: () => 'the bridge connected to QMP',
  BRIDGE_DISCONNECTED: () => 'the bridge lost its QMP connection',
  BRIDGE_BUSY: () => 'another client holds the QMP monitor',
  BRIDGE_PROCESS_STARTED: (d) => `the bridge started QEMU${d.pid ? ` (pid ${text(d.pid)})` : ''}`,
  BRIDGE_PROCESS_EXITED: (d) =>
    d.signal ? `QEMU was ended by ${text(d.signal)}` : `QEMU exited (code ${text(d.exitCode)})`,
  BRIDGE_GUEST_AGENT_CONNECTED: () => 'the guest agent answers',
  BRIDGE_GUEST_AGENT_UNAVAILABLE: () => 'the guest agent stopped answering',
  BRIDGE_REATTACHED: (d) => `the bridge started again and took back QEMU (pid ${text(d.pid)}), still running`,
  BRIDGE_STOP_ESCALATED: (d) =>
    d.step === 'kill'
      ? `QEMU did not quit: killed, ${text(d.afterMs)} ms into the stop`
      : `the guest did not power down: QEMU asked to quit, ${text(d.afterMs)} ms into the stop`,
  BRIDGE_JOB_STARTED: (d) => `job ${text(d.job)} (${text(d.kind)}) started: ${text(d.description)}`,
  BRIDGE_JOB_ENDED: (d) =>
    `job ${text(d.job)} (${text(d.kind)}) ${d.outcome === 'done' ? 'done' : text(d.outcome)}${d.error ? `: ${text(d.error)}` : ''}`,
};

/** The meaning of an event; a RESUME's depends on what came before it (see `resumedFrom`). */
export function eventMeaning(
  event: Pick<EventRecord, 'event' | 'data'>,
  resumedFrom: ResumedFrom = 'unknown',
): string {
  const name = event.event;
  if (isKnownEvent(name)) {
    const meaning = MEANINGS[name] as Meaning<KnownEventName> | undefined;
    // The wire gives data as a loose record; the meaning reads it by the schema's names, each field optional.
    if (meaning) return meaning((event.data ?? {}) as EventData<KnownEventName>, { resumedFrom });
  }
  return name.toLowerCase().replaceAll('_', ' ');
}

/**
 * The command to name as an event's cause. A RESET the guest did itself (`data.guest: true`, e.g. the
 * firmware's own reset right after `system_reset`) has none: it reads "the guest reset itself" and nothing else.
 */
export function eventCause(event: Pick<EventRecord, 'event' | 'data' | 'cause'>): Cause | null {
  if (event.event === 'RESET' && event.data?.guest === true) return null;
  return event.cause ?? null;
}

/** Where a command came from, as a phrase: "from the Pause button", "over HTTP" ("via the Pause button" after a name). */
function originWords(origin: string, client: string, afterName: boolean): string {
  if (origin.toLowerCase() === 'http') return 'over HTTP';
  const preposition = afterName ? 'via' : 'from';
  // A qmp-shell or script on the bridge's QMP endpoint: named by its client, one per connection.
  if (origin === 'qmp-proxy') return `${preposition} QMP proxy client ${client}`;
  return `${preposition} the ${origin}`;
}

/**
 * Who and what caused the event: "after `stop` by ana via the Pause button (192.0.2.7)"; on a bridge without
 * users, where nobody has a name, "after `stop` from the Pause button (127.0.0.1)".
 */
export function causeLine(cause: Cause | null | undefined): string | null {
  if (!cause) return null;
  const by = cause.user ? `by ${cause.user} ` : '';
  const from = cause.origin
    ? originWords(cause.origin, cause.client, by !== '')
    : `from client ${cause.client}`;
  const where = cause.remote ? ` (${cause.remote})` : '';
  return `after \`${cause.command}\` ${by}${from}${where}`;
}
