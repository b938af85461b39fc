/**
 * Every React Query key of the app, built here and nowhere else. Keys are
 * hierarchical so one prefix covers a family: `['vms', id]` holds all of a VM.
 */
export const queryKeys = {
  /** The state of the one WebSocket (written by `live/`, read by the banner). */
  live: () => ['live'] as const,
  health: () => ['health'] as const,
  /** Who this browser is signed in as (or that nobody is); see api/session.ts. */
  session: () => ['session'] as const,
  /** The audit log's pages for one choice of filters. */
  auditAll: () => ['audit'] as const,
  audit: (filter: { vm: string; user: string }) => ['audit', filter.vm, filter.user] as const,
  vms: () => ['vms'] as const,
  vm: (id: string) => ['vms', id] as const,
  /** A VM's event log; under its own root so cache defaults (no structural sharing) can target all of them. */
  eventsAll: () => ['events'] as const,
  events: (id: string) => ['events', id] as const,
  inflight: (id: string) => ['vms', id, 'inflight'] as const,
  schema: (id: string) => ['vms', id, 'schema'] as const,
  /** Commands run from the Commands tab and the console (local to this tab, kept across views). */
  commandHistory: (id: string) => ['vms', id, 'command-history'] as const,
  info: (id: string, query: string) => ['vms', id, 'info', query] as const,
  /** The task log: every job the person may see (`vm` null), or one VM's. */
  jobsAll: () => ['jobs'] as const,
  jobs: (vm: string | null) => ['jobs', vm ?? '*'] as const,
  backups: (id: string) => ['vms', id, 'backups'] as const,
  backupRetention: (id: string) => ['vms', id, 'backups', 'retention'] as const,
  snapshots: (id: string) => ['vms', id, 'snapshots'] as const,
  /** The VM's screen for the overview's thumbnail (`GET /api/vms/:id/screenshot`). */
  screenshot: (id: string) => ['vms', id, 'screenshot'] as const,
  infoAll: (id: string) => ['vms', id, 'info'] as const,
  /** A VM's usage history over a range (all series, or only those named). */
  metrics: (id: string, range: string, series = 'all') => ['vms', id, 'metrics', range, series] as const,
  hardware: (id: string) => ['vms', id, 'hardware'] as const,
  /** A defined VM's definition (`GET /api/vms/:id/definition`). */
  definition: (id: string) => ['vms', id, 'definition'] as const,
  /**
   * The storage locations, and under them each location's files (the storage page, the image and ISO pickers):
   * the locations' key is the prefix of every file list, so invalidating it refreshes everything stored.
   */
  storageLocations: () => ['storage'] as const,
  storageFiles: (storage: string) => ['storage', storage, 'files'] as const,
};
