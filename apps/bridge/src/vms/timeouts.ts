/**
 * How long a command may take before the bridge answers `Timeout`, by class:
 * queries are quick, lifecycle and media changes can wait on the guest, jobs and
 * migration run for minutes. The config and each call may override.
 */
import type { TimeoutsConfig } from '../config/schema.ts';

export const DEFAULT_TIMEOUTS = {
  query: 5_000,
  lifecycle: 60_000,
  schema: 60_000,
  jobs: 600_000,
  default: 30_000,
} as const;

export type TimeoutClass = keyof typeof DEFAULT_TIMEOUTS;

const LIFECYCLE = new Set([
  'stop',
  'cont',
  'system_reset',
  'system_powerdown',
  'system_wakeup',
  'quit',
  'inject-nmi',
  'eject',
  'change',
  'blockdev-change-medium',
  'blockdev-open-tray',
  'blockdev-close-tray',
  'blockdev-insert-medium',
  'blockdev-remove-medium',
  'device_add',
  'device_del',
  'savevm',
  'loadvm',
  'delvm',
]);

const JOB_PREFIXES = ['migrate', 'block-job-', 'job-', 'drive-mirror', 'drive-backup', 'blockdev-mirror'];
const JOBS = new Set([
  'blockdev-backup',
  'block-commit',
  'block-stream',
  'blockdev-create',
  'dump-guest-memory',
]);

export function timeoutClassOf(command: string): TimeoutClass {
  if (command === 'query-qmp-schema') return 'schema';
  if (command.startsWith('query-')) return 'query';
  if (LIFECYCLE.has(command)) return 'lifecycle';
  if (JOBS.has(command) || JOB_PREFIXES.some((prefix) => command.startsWith(prefix))) return 'jobs';
  return 'default';
}

export function timeoutFor(command: string, config: TimeoutsConfig | undefined, perCall?: number): number {
  if (perCall !== undefined) return perCall;
  const configured = config?.commands?.[command];
  if (configured !== undefined) return configured;
  const cls = timeoutClassOf(command);
  return config?.[cls] ?? DEFAULT_TIMEOUTS[cls];
}
