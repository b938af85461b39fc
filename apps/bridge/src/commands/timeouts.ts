/**
 * How long a QMP command may take before the bridge answers `Timeout`, by class: queries are quick, lifecycle and
 * media changes can wait on the guest, jobs and migration run for minutes. The config and each call may override.
 * The command sets are checked against QEMU's generated command names, so a name QEMU does not have (a typo, or an
 * HMP-only command such as `savevm`) fails the typecheck.
 */
import type { QmpCommandName } from '@qmpdeck/qmp';
import type { TimeoutsConfig } from '../config/schema.ts';

export const DEFAULT_TIMEOUTS = {
  query: 5_000,
  lifecycle: 60_000,
  schema: 60_000,
  jobs: 600_000,
  default: 30_000,
} as const;

export type TimeoutClass = keyof typeof DEFAULT_TIMEOUTS;

const LIFECYCLE: ReadonlySet<QmpCommandName> = new Set<QmpCommandName>([
  'stop',
  'cont',
  'system_reset',
  'system_powerdown',
  'system_wakeup',
  'quit',
  'inject-nmi',
  'eject',
  'blockdev-change-medium',
  'blockdev-open-tray',
  'blockdev-close-tray',
  'blockdev-insert-medium',
  'blockdev-remove-medium',
  'device_add',
  'device_del',
]);

const JOBS: ReadonlySet<QmpCommandName> = new Set<QmpCommandName>([
  'drive-mirror',
  'drive-backup',
  'blockdev-mirror',
  'blockdev-backup',
  'block-commit',
  'block-stream',
  'blockdev-create',
  'dump-guest-memory',
  'snapshot-save',
  'snapshot-load',
  'snapshot-delete',
]);

/** A prefix at least one QMP command has; anything else fails the typecheck. */
type CommandPrefix<P extends string> = P extends unknown
  ? [Extract<QmpCommandName, `${P}${string}`>] extends [never]
    ? never
    : P
  : never;
const commandPrefixes = <const P extends string>(...prefixes: CommandPrefix<P>[]): readonly string[] =>
  prefixes;

/** Families that grow with QEMU versions: `job-*`, `block-job-*`, `migrate*`. */
const JOB_PREFIXES = commandPrefixes('migrate', 'block-job-', 'job-');

export function timeoutClassOf(command: string): TimeoutClass {
  if (command === 'query-qmp-schema') return 'schema';
  if (command.startsWith('query-')) return 'query';
  if (LIFECYCLE.has(command as QmpCommandName)) return 'lifecycle';
  if (JOBS.has(command as QmpCommandName) || JOB_PREFIXES.some((prefix) => command.startsWith(prefix)))
    return 'jobs';
  return 'default';
}

export function timeoutFor(command: string, config: TimeoutsConfig | undefined, perCall?: number): number {
  if (perCall !== undefined) return perCall;
  const configured = config?.commands?.[command];
  if (configured !== undefined) return configured;
  const cls = timeoutClassOf(command);
  return config?.[cls] ?? DEFAULT_TIMEOUTS[cls];
}
