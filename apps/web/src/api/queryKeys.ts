/**
 * Every React Query key of the app, built here and nowhere else. Keys are
 * hierarchical so one prefix covers a family: `['vms', id]` holds all of a VM.
 */
export const queryKeys = {
  /** The state of the one WebSocket (written by `live/`, read by the banner). */
  live: () => ['live'] as const,
  health: () => ['health'] as const,
  vms: () => ['vms'] as const,
  vm: (id: string) => ['vms', id] as const,
  events: (id: string) => ['vms', id, 'events'] as const,
  inflight: (id: string) => ['vms', id, 'inflight'] as const,
  schema: (id: string) => ['vms', id, 'schema'] as const,
  /** Commands run from the Commands tab and the console (local to this tab, kept across views). */
  commandHistory: (id: string) => ['vms', id, 'command-history'] as const,
  info: (id: string, query: string) => ['vms', id, 'info', query] as const,
  infoAll: (id: string) => ['vms', id, 'info'] as const,
};
