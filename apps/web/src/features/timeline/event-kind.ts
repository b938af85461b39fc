/** Sorts events into the kinds the timeline colours and filters by. */
export type EventKind =
  | 'run-state'
  | 'block'
  | 'device'
  | 'migration'
  | 'guest'
  | 'display'
  | 'bridge'
  | 'other';

const RUN_STATE = new Set([
  'STOP',
  'RESUME',
  'RESET',
  'SHUTDOWN',
  'POWERDOWN',
  'SUSPEND',
  'SUSPEND_DISK',
  'WAKEUP',
]);
const GUEST = new Set([
  'GUEST_PANICKED',
  'GUEST_CRASHLOADED',
  'WATCHDOG',
  'RTC_CHANGE',
  'BALLOON_CHANGE',
  'NIC_RX_FILTER_CHANGED',
  'ACPI_DEVICE_OST',
]);
const MIGRATION = new Set([
  'MIGRATION',
  'MIGRATION_PASS',
  'COLO_EXIT',
  'SPICE_MIGRATE_COMPLETED',
  'UNPLUG_PRIMARY',
]);

export function eventKind(name: string): EventKind {
  if (name.startsWith('BRIDGE_GUEST_AGENT')) return 'guest';
  if (name.startsWith('BRIDGE_')) return 'bridge';
  if (RUN_STATE.has(name)) return 'run-state';
  if (GUEST.has(name)) return 'guest';
  if (MIGRATION.has(name)) return 'migration';
  if (name.startsWith('BLOCK_') || name.startsWith('QUORUM_') || name === 'JOB_STATUS_CHANGE') return 'block';
  if (name === 'DEVICE_TRAY_MOVED' || name === 'DUMP_COMPLETED') return 'block';
  if (name.startsWith('VNC_') || name.startsWith('SPICE_')) return 'display';
  if (name.startsWith('DEVICE_') || name.startsWith('MEM') || name === 'VSERPORT_CHANGE') return 'device';
  if (name.startsWith('NETDEV_') || name === 'FAILOVER_NEGOTIATED' || name === 'RDMA_GID_STATUS_CHANGED') {
    return 'device';
  }
  return 'other';
}

export const EVENT_KINDS: readonly { kind: EventKind; label: string }[] = [
  { kind: 'run-state', label: 'Run state' },
  { kind: 'block', label: 'Block' },
  { kind: 'device', label: 'Device' },
  { kind: 'migration', label: 'Migration' },
  { kind: 'guest', label: 'Guest' },
  { kind: 'display', label: 'Display' },
  { kind: 'bridge', label: 'Bridge' },
  { kind: 'other', label: 'Other' },
];

/** The stripe and name colour of each kind, readable in both themes. */
export const KIND_COLOURS: Record<EventKind, { stripe: string; text: string }> = {
  'run-state': { stripe: 'bg-emerald-500', text: 'text-emerald-800 dark:text-emerald-300' },
  block: { stripe: 'bg-sky-500', text: 'text-sky-800 dark:text-sky-300' },
  device: { stripe: 'bg-violet-500', text: 'text-violet-800 dark:text-violet-300' },
  migration: { stripe: 'bg-orange-500', text: 'text-orange-800 dark:text-orange-300' },
  guest: { stripe: 'bg-pink-500', text: 'text-pink-800 dark:text-pink-300' },
  display: { stripe: 'bg-teal-500', text: 'text-teal-800 dark:text-teal-300' },
  bridge: { stripe: 'bg-zinc-400', text: 'text-zinc-700 dark:text-zinc-300' },
  other: { stripe: 'bg-zinc-300', text: 'text-zinc-700 dark:text-zinc-300' },
};
