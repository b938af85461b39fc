/** How an audit entry reads in the table: each column as short text, with the full value for a tooltip. */
import type { AuditEntry } from '@qmpdeck/protocol';

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/** Local time to the second, sortable by eye: "2025-03-01 14:05:09". */
export function auditTime(ms: number): string {
  const date = new Date(ms);
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

const KIND_WORDS: Record<Exclude<AuditEntry['kind'], 'command'>, string> = {
  'sign-in': 'signed in',
  'sign-in-failed': 'failed sign-in',
  'sign-out': 'signed out',
};

/** The command, or for a session entry what happened ("signed in"). */
export function auditAction(entry: Pick<AuditEntry, 'kind' | 'command'>): string {
  if (entry.kind === 'command') return entry.command ?? '—';
  return KIND_WORDS[entry.kind];
}

/** The arguments as one line of JSON ('' when none); secrets arrive already redacted by the bridge. */
export function auditArguments(entry: Pick<AuditEntry, 'arguments'>): string {
  if (!entry.arguments || Object.keys(entry.arguments).length === 0) return '';
  return JSON.stringify(entry.arguments);
}

/** "ok", or the error class; the desc goes in the tooltip. */
export function auditOutcome(entry: Pick<AuditEntry, 'outcome' | 'error'>): { text: string; detail: string } {
  return { text: entry.outcome, detail: entry.error ? `${entry.outcome}: ${entry.error}` : entry.outcome };
}

export function auditDuration(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** The entries as JSON lines, one entry per line, as the bridge gave them (for export). */
export function auditJsonLines(entries: readonly AuditEntry[]): string {
  return entries.map((entry) => JSON.stringify(entry)).join('\n') + (entries.length ? '\n' : '');
}

/** "audit.jsonl", "audit-alpha-ana.jsonl": which filters the file holds, in its name. */
export function auditFileName(filter: { vm: string; user: string }): string {
  const parts = [filter.vm, filter.user].filter(Boolean).map((part) => part.replace(/[^\w.-]+/g, '_'));
  return `${['audit', ...parts].join('-')}.jsonl`;
}
