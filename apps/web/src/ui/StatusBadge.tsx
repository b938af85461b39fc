/**
 * A VM's run state as a badge. Shows QMP's own RunState word, or
 * `disconnected` when the bridge has no QMP link (contract v1: every such
 * badge carries `data-testid="vm-status"`).
 */
import type { Vm } from '@qmpdeck/protocol';

export function displayedStatus(vm: Pick<Vm, 'connection' | 'status'>): string {
  if (vm.connection !== 'connected') return 'disconnected';
  return vm.status ?? 'unknown';
}

const COLOURS: Record<string, string> = {
  running: 'bg-emerald-100 text-emerald-900 ring-emerald-600/30 dark:bg-emerald-900/50 dark:text-emerald-100',
  paused: 'bg-amber-100 text-amber-900 ring-amber-600/30 dark:bg-amber-900/50 dark:text-amber-100',
  prelaunch: 'bg-sky-100 text-sky-900 ring-sky-600/30 dark:bg-sky-900/50 dark:text-sky-100',
  suspended: 'bg-indigo-100 text-indigo-900 ring-indigo-600/30 dark:bg-indigo-900/50 dark:text-indigo-100',
  shutdown: 'bg-zinc-200 text-zinc-900 ring-zinc-600/30 dark:bg-zinc-800 dark:text-zinc-100',
  disconnected: 'bg-zinc-200 text-zinc-700 ring-zinc-500/30 dark:bg-zinc-800 dark:text-zinc-300',
};
const PROBLEM = 'bg-red-100 text-red-900 ring-red-600/30 dark:bg-red-900/50 dark:text-red-100';

export function StatusBadge({ vm }: { vm: Pick<Vm, 'connection' | 'status'> }) {
  const status = displayedStatus(vm);
  return (
    <span
      data-testid="vm-status"
      className={`inline-flex min-w-20 items-center justify-center rounded-full px-2 py-0.5 font-mono text-xs ring-1 ring-inset ${COLOURS[status] ?? PROBLEM}`}
    >
      {status}
    </span>
  );
}
