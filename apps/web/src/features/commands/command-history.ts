/** Commands executed from the Commands tab, newest first, kept per VM for this tab's life. */
export interface HistoryEntry {
  id: number;
  vm: string;
  request: { execute: string; arguments?: Record<string, unknown> };
  sentAt: number;
  outcome:
    | { state: 'pending' }
    | { state: 'ok'; value: unknown }
    | { state: 'error'; class: string; desc: string };
}

export const MAX_HISTORY = 50;

export function addToHistory(history: readonly HistoryEntry[], entry: HistoryEntry): HistoryEntry[] {
  return [entry, ...history].slice(0, MAX_HISTORY);
}

export function settleHistory(
  history: readonly HistoryEntry[],
  id: number,
  outcome: HistoryEntry['outcome'],
): HistoryEntry[] {
  return history.map((entry) => (entry.id === id ? { ...entry, outcome } : entry));
}

/** The exact QMP JSON the bridge sends to QEMU for a request (the bridge adds its own `id`). */
export function qmpJson(request: HistoryEntry['request']): string {
  return JSON.stringify(request, null, 2);
}
