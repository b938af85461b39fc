/** Commands executed from the Commands tab and the console, newest first, per VM (kept across reloads). */
export interface HistoryEntry {
  id: string;
  vm: string;
  request: { execute: string; arguments?: Record<string, unknown> };
  sentAt: number;
  outcome:
    | { state: 'pending' }
    /** `clippedBytes`: the result was too large to keep across a reload; only its size was kept. */
    | { state: 'ok'; value: unknown; clippedBytes?: number }
    | { state: 'error'; class: string; desc: string };
}

export const MAX_HISTORY = 50;

export function addToHistory(history: readonly HistoryEntry[], entry: HistoryEntry): HistoryEntry[] {
  return [entry, ...history].slice(0, MAX_HISTORY);
}

export function settleHistory(
  history: readonly HistoryEntry[],
  id: string,
  outcome: HistoryEntry['outcome'],
): HistoryEntry[] {
  return history.map((entry) => (entry.id === id ? { ...entry, outcome } : entry));
}

/** The exact QMP JSON the bridge sends to QEMU for a request (the bridge adds its own `id`). */
export function qmpJson(request: HistoryEntry['request']): string {
  return JSON.stringify(request, null, 2);
}

/** What shows for a result kept across a reload as its size only. */
export const clippedNote = (bytes: number) =>
  `A result of ${Math.round(bytes / 1024)} KB came back; it is too large to keep across a reload.`;
