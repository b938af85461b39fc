/**
 * The VM's command history (Commands tab and console) and the lines typed into
 * its console, kept in this browser's localStorage per VM, so a reload loses
 * neither. Bounded: the newest 50 commands, 100 lines, and a result over 32 KB
 * is kept as its size only (a `query-qmp-schema` answer is megabytes).
 * What is read back is validated; a damaged entry is dropped with a warning.
 */
import { z } from 'zod';
import { type HistoryEntry, MAX_HISTORY } from './command-history.ts';

export const MAX_KEPT_RESULT_BYTES = 32 * 1024;
export const MAX_CONSOLE_LINES = 100;

const historyKey = (vm: string) => `qmpdeck:commands:${vm}`;
const linesKey = (vm: string) => `qmpdeck:console-lines:${vm}`;

const StoredEntry = z.object({
  id: z.string(),
  vm: z.string(),
  request: z.object({ execute: z.string(), arguments: z.record(z.string(), z.unknown()).optional() }),
  sentAt: z.number(),
  outcome: z.union([
    z.object({ state: z.literal('pending') }),
    z.object({ state: z.literal('ok'), value: z.unknown(), clippedBytes: z.number().optional() }),
    z.object({ state: z.literal('error'), class: z.string(), desc: z.string() }),
  ]),
});
const StoredHistory = z.array(StoredEntry);
const StoredLines = z.array(z.string());

function read<T>(key: string, schema: z.ZodType<T>): T | null {
  let text: string | null;
  try {
    text = localStorage.getItem(key);
  } catch (error) {
    console.warn(`QMP Deck: cannot read ${key} from this browser's storage: ${String(error)}`);
    return null;
  }
  if (text === null) return null;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    console.warn(`QMP Deck: ${key} in this browser's storage is not JSON; starting afresh`);
    return null;
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  console.warn(`QMP Deck: ${key} in this browser's storage has an unexpected shape; starting afresh`);
  return null;
}

function write(key: string, value: unknown): void {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch (error) {
    // Full or disabled storage: the history still lives in the page, only not across a reload.
    console.warn(`QMP Deck: cannot keep ${key} in this browser's storage: ${String(error)}`);
  }
}

/** An entry as it is kept: a large result replaced by its size. */
function kept(entry: HistoryEntry): HistoryEntry {
  if (entry.outcome.state !== 'ok') return entry;
  const bytes = JSON.stringify(entry.outcome.value ?? null).length;
  if (bytes <= MAX_KEPT_RESULT_BYTES) return entry;
  return { ...entry, outcome: { state: 'ok', value: null, clippedBytes: bytes } };
}

/** A command still waiting when the page went away: its answer never reached this page. */
function settledAfterReload(entry: HistoryEntry): HistoryEntry {
  if (entry.outcome.state !== 'pending') return entry;
  return {
    ...entry,
    outcome: {
      state: 'error',
      class: 'PageReloaded',
      desc: 'the page was reloaded before the answer came; the timeline shows what the command did',
    },
  };
}

export function loadHistory(vm: string): HistoryEntry[] {
  return (read(historyKey(vm), StoredHistory) ?? []).slice(0, MAX_HISTORY).map(settledAfterReload);
}

export function saveHistory(vm: string, entries: readonly HistoryEntry[]): void {
  write(historyKey(vm), entries.slice(0, MAX_HISTORY).map(kept));
}

export function loadConsoleLines(vm: string): string[] {
  return (read(linesKey(vm), StoredLines) ?? []).slice(-MAX_CONSOLE_LINES);
}

export function saveConsoleLines(vm: string, lines: readonly string[]): void {
  write(linesKey(vm), lines.slice(-MAX_CONSOLE_LINES));
}
