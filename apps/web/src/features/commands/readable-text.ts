/**
 * Answers that are text for people, not data: `human-monitor-command` returns
 * the monitor's output as one string (with `\r\n` inside), and the `x-query-*`
 * commands return `{ "human-readable-text": ... }`. Shown as the text itself,
 * with its line breaks, rather than as a JSON string full of escapes.
 */
export function readableText(execute: string, value: unknown): string | null {
  if (execute === 'human-monitor-command' && typeof value === 'string') return value.replaceAll('\r\n', '\n');
  if (
    typeof value === 'object' &&
    value !== null &&
    Object.keys(value).length === 1 &&
    typeof (value as Record<string, unknown>)['human-readable-text'] === 'string'
  ) {
    return ((value as Record<string, string>)['human-readable-text'] ?? '').replaceAll('\r\n', '\n');
  }
  return null;
}
