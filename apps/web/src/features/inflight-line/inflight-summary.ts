/**
 * The commands in flight on a VM, summarised for one line: how many, the
 * oldest with its age and what it waits for, and how many of each command.
 * 63 queued commands read as "63 × query-status", not 63 rows.
 */
import type { InflightCommand } from '@qmpdeck/protocol';

export interface InflightSummary {
  count: number;
  oldest: InflightCommand | null;
  /** Command names with how many of each, most first. */
  byCommand: readonly [string, number][];
}

export function summarise(commands: readonly InflightCommand[]): InflightSummary {
  let oldest: InflightCommand | null = null;
  const counts = new Map<string, number>();
  for (const command of commands) {
    if (!oldest || command.startedAt < oldest.startedAt) oldest = command;
    counts.set(command.execute, (counts.get(command.execute) ?? 0) + 1);
  }
  const byCommand = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return { count: commands.length, oldest, byCommand };
}

export const seconds = (ms: number) => `${(Math.max(0, ms) / 1000).toFixed(1)} s`;

/** What a command waits for, in words: "QEMU has not answered `stop` for 12.0 s". */
export function waitingSentence(command: InflightCommand, now: number): string {
  const age = seconds(now - command.startedAt);
  if (command.target === 'guest') return `The guest agent has not answered \`${command.execute}\` for ${age}`;
  if (command.target === 'bridge') return `The bridge has been doing \`${command.execute}\` for ${age}`;
  return `QEMU has not answered \`${command.execute}\` for ${age}`;
}

/** Who sent it: "from the Pause button", "from http", "from client c3". */
export function senderWords(command: InflightCommand): string {
  const from = command.origin ? `from ${command.origin}` : `from client ${command.client}`;
  return command.user ? `${from} by ${command.user}` : from;
}

/** "63 × query-status", "40 × query-status, 23 × stop", at most `shown` names. */
export function countsText(summary: InflightSummary, shown = 3): string {
  const names = summary.byCommand.slice(0, shown).map(([name, count]) => `${count} × ${name}`);
  const rest = summary.byCommand.length - shown;
  return rest > 0 ? `${names.join(', ')}, ${rest} more` : names.join(', ');
}
