/**
 * Which command can cause which event: the only pairs cause attribution may name. A `stop` sent just before a
 * guest's network event is not that event's cause; the guest's own RESET (`data.guest`: true, from its firmware
 * or its kernel) is nobody's command, even right after `system_reset`, which causes the host-side RESET only.
 *
 * Each rule says how long after the command's answer its event may still come: QEMU sends most of a command's
 * events before its return (the default window covers the few that follow), a guest reacting to the power button
 * or to its agent takes seconds, and a job runs for minutes (its events are matched by job id). Command and event
 * names are checked against QEMU's generated names (and the bridge's own), so a typo fails the typecheck.
 * Source: shared/qmp/events.md, behaviour-notes.md and consoles-devices-jobs.md (QEMU 7.2, observed).
 */
import { BridgeEventName } from '@qmpdeck/protocol';
import type { QmpCommandName, QmpEventName, QmpEvents } from '@qmpdeck/qmp';
import type { BridgeAction } from './command-request.ts';

type BridgeEvent = (typeof BridgeEventName)[keyof typeof BridgeEventName];
export type CausedEventName = QmpEventName | BridgeEvent;
type GuestCommandName = `guest-${string}`;
export type CausingCommand = QmpCommandName | GuestCommandName | BridgeAction;

type Data = Record<string, unknown>;
type Args = Record<string, unknown> | null;
/** QEMU's documented fields, all optional: a newer QEMU may leave one out. */
type DataOf<E extends CausedEventName> = E extends QmpEventName ? Partial<QmpEvents[E]> & Data : Data;

export interface CauseRule {
  /** The event, or `*` for any (a monitor command line can do almost anything while it runs). */
  event: CausedEventName | '*';
  /** Only events whose data (and the command's arguments) fit, e.g. the host's RESET, a job's own id. */
  fits: (data: Data, args: Args) => boolean;
  /** How long after the command's answer the event may still be its doing; 0: only while it runs. */
  afterMs: number;
}

/** Events QEMU sends just after a command's return (a firmware reset, a tray that settles). */
export const ANSWERED_WINDOW_MS = 1000;
/** A guest acting on the ACPI power button or on its agent: shutting down takes seconds. */
const GUEST_REACTION_MS = 30_000;
/** A dump, a snapshot: the VM pauses and resumes around the work. */
const WORK_MS = 60_000;
/** A block job or a migration runs until it is done: its events carry its id. */
const JOB_MS = 600_000;

const always = (): boolean => true;

function rule<E extends CausedEventName>(
  event: E,
  options: { fits?: (data: DataOf<E>, args: Args) => boolean; afterMs?: number } = {},
): CauseRule {
  return {
    event,
    fits: (options.fits ?? always) as CauseRule['fits'],
    afterMs: options.afterMs ?? ANSWERED_WINDOW_MS,
  };
}

/** A job's id as its starting command named it: `job-id`, else the device (the default of drive-* commands). */
function jobIdOf(args: Args): unknown {
  return args?.['job-id'] ?? args?.id ?? args?.device;
}

/** The job ids a `transaction` starts (a grouped backup: one `blockdev-backup` per disk). */
function transactionJobIds(args: Args): unknown[] {
  const actions = Array.isArray(args?.actions) ? (args.actions as { data?: Args }[]) : [];
  return actions.map((action) => jobIdOf(action.data ?? null));
}

/** Events of the job this command started or steers, matched by its id. */
function jobRules(
  afterMs: number,
  idsOf: (args: Args) => unknown[] = (args) => [jobIdOf(args)],
): CauseRule[] {
  const ofThisJob = (data: Data, args: Args) => idsOf(args).includes(data.id ?? data.device);
  return [
    rule('JOB_STATUS_CHANGE', { fits: ofThisJob, afterMs }),
    rule('BLOCK_JOB_READY', { fits: ofThisJob, afterMs }),
    rule('BLOCK_JOB_PENDING', { fits: ofThisJob, afterMs }),
    rule('BLOCK_JOB_COMPLETED', { fits: ofThisJob, afterMs }),
    rule('BLOCK_JOB_CANCELLED', { fits: ofThisJob, afterMs }),
    rule('BLOCK_JOB_ERROR', { fits: ofThisJob, afterMs }),
  ];
}

/** The QEMU process ending and the bridge's link with it, after a command that ends QEMU. */
function qemuEnds(afterMs: number): CauseRule[] {
  return [rule('BRIDGE_DISCONNECTED', { afterMs }), rule('BRIDGE_PROCESS_EXITED', { afterMs })];
}

const TRAY = [rule('DEVICE_TRAY_MOVED')];

export const CAUSE_TABLE: { readonly [C in CausingCommand]?: readonly CauseRule[] } = {
  stop: [rule('STOP')],
  cont: [rule('RESUME')],
  system_reset: [rule('RESET', { fits: (data) => data.guest === false })],
  system_powerdown: [
    rule('POWERDOWN'),
    rule('SHUTDOWN', { fits: (data) => data.reason === 'guest-shutdown', afterMs: GUEST_REACTION_MS }),
    ...qemuEnds(GUEST_REACTION_MS),
  ],
  system_wakeup: [rule('WAKEUP')],
  quit: [rule('SHUTDOWN', { fits: (data) => data.reason === 'host-qmp-quit' }), ...qemuEnds(5000)],
  eject: TRAY,
  'blockdev-open-tray': TRAY,
  'blockdev-close-tray': TRAY,
  'blockdev-change-medium': TRAY,
  // PCI unplug waits for the guest to let go of the device.
  device_del: [
    rule('DEVICE_DELETED', { afterMs: GUEST_REACTION_MS }),
    rule('DEVICE_UNPLUG_GUEST_ERROR', { afterMs: GUEST_REACTION_MS }),
  ],
  migrate: [rule('MIGRATION', { afterMs: JOB_MS }), rule('MIGRATION_PASS', { afterMs: JOB_MS })],
  'migrate-incoming': [rule('MIGRATION', { afterMs: JOB_MS })],
  migrate_cancel: [rule('MIGRATION', { afterMs: WORK_MS })],
  'dump-guest-memory': [
    rule('DUMP_COMPLETED', { afterMs: JOB_MS }),
    rule('STOP', { afterMs: WORK_MS }),
    rule('RESUME', { afterMs: WORK_MS }),
  ],
  'snapshot-save': [
    ...jobRules(JOB_MS),
    rule('STOP', { afterMs: WORK_MS }),
    rule('RESUME', { afterMs: WORK_MS }),
  ],
  'snapshot-load': [
    ...jobRules(JOB_MS),
    rule('STOP', { afterMs: WORK_MS }),
    rule('RESUME', { afterMs: WORK_MS }),
    rule('RESET', { fits: (data) => data.reason === 'snapshot-load', afterMs: WORK_MS }),
  ],
  'snapshot-delete': jobRules(JOB_MS),
  'blockdev-backup': jobRules(JOB_MS),
  transaction: jobRules(JOB_MS, transactionJobIds),
  'drive-backup': jobRules(JOB_MS),
  'blockdev-mirror': jobRules(JOB_MS),
  'drive-mirror': jobRules(JOB_MS),
  'block-commit': jobRules(JOB_MS),
  'block-stream': jobRules(JOB_MS),
  'blockdev-create': jobRules(JOB_MS),
  'job-pause': jobRules(WORK_MS),
  'job-resume': jobRules(WORK_MS),
  'job-cancel': jobRules(WORK_MS),
  'job-complete': jobRules(WORK_MS),
  'job-finalize': jobRules(WORK_MS),
  'job-dismiss': jobRules(WORK_MS),
  'block-job-pause': jobRules(WORK_MS),
  'block-job-resume': jobRules(WORK_MS),
  'block-job-cancel': jobRules(WORK_MS),
  'block-job-complete': jobRules(WORK_MS),
  'block-job-finalize': jobRules(WORK_MS),
  'block-job-dismiss': jobRules(WORK_MS),
  // A monitor command line (`stop`, `system_reset`, `device_del`...) can cause anything, but only while it runs.
  'human-monitor-command': [{ event: '*', fits: always, afterMs: 0 }],
  'guest-shutdown': [
    rule('SHUTDOWN', { fits: (data) => data.reason === 'guest-shutdown', afterMs: GUEST_REACTION_MS }),
    ...qemuEnds(GUEST_REACTION_MS),
  ],
  'guest-suspend-ram': [rule('SUSPEND', { afterMs: GUEST_REACTION_MS })],
  'guest-suspend-hybrid': [rule('SUSPEND', { afterMs: GUEST_REACTION_MS })],
  'guest-suspend-disk': [
    rule('SUSPEND_DISK', { afterMs: GUEST_REACTION_MS }),
    rule('SHUTDOWN', { afterMs: GUEST_REACTION_MS }),
    ...qemuEnds(GUEST_REACTION_MS),
  ],
  // The bridge's unplugs wait for the guest to let go, as device_del does.
  'device.nic-remove': [rule('DEVICE_DELETED', { afterMs: GUEST_REACTION_MS })],
  'device.disk-remove': [rule('DEVICE_DELETED', { afterMs: GUEST_REACTION_MS })],
  'vm.start': [rule(BridgeEventName.ProcessStarted)],
  'vm.kill': [rule(BridgeEventName.ProcessExited), rule(BridgeEventName.Disconnected)],
  // Its steps are its own: the power button, quit, the kill, and QEMU ending by any of them.
  'vm.stop': [
    rule('POWERDOWN'),
    rule('SHUTDOWN'),
    rule(BridgeEventName.StopEscalated),
    ...qemuEnds(ANSWERED_WINDOW_MS),
  ],
};

/** The rule by which `command` may have caused `event`, if any. */
export function causeRule(command: string, event: string, data: Data, args: Args): CauseRule | undefined {
  const rules = (CAUSE_TABLE as Readonly<Record<string, readonly CauseRule[]>>)[command];
  return rules?.find(
    (candidate) => (candidate.event === '*' || candidate.event === event) && candidate.fits(data, args),
  );
}
