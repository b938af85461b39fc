/**
 * QMP events after which the run state may have changed. The event name alone
 * does not tell the new state (a reset while paused lands in `prelaunch`), so the
 * supervisor asks `query-status` after each.
 */
export const RUN_STATE_EVENTS: ReadonlySet<string> = new Set([
  'STOP',
  'RESUME',
  'RESET',
  'SHUTDOWN',
  'POWERDOWN',
  'SUSPEND',
  'SUSPEND_DISK',
  'WAKEUP',
  'GUEST_PANICKED',
  'GUEST_CRASHLOADED',
  'WATCHDOG',
  'MIGRATION',
  'BLOCK_IO_ERROR',
]);
