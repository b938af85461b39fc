/**
 * How loud a line QEMU printed should be in the bridge's log. QEMU writes its
 * chatter to stderr too ("VNC server running on ...", "terminating on signal
 * 15"), so stderr alone is no reason to warn: only lines that read like trouble.
 */
const TROUBLE =
  /\b(error|errors|fail|failed|failure|fatal|cannot|can't|could not|unable|invalid|not a valid|not found|no such|denied|refused|abort|aborted|warning|deprecated|unsupported|panic)\b/i;

export function qemuOutputLevel(line: string): 'info' | 'warn' {
  return TROUBLE.test(line) ? 'warn' : 'info';
}
