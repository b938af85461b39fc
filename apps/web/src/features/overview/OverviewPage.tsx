/**
 * The overview: every VM at a glance with live state in plain words, counts by
 * state, a name filter, and Pause/Resume for one VM or a selection of several
 * (Start for a managed VM that is shut off), each disabled with the reason when
 * the signed-in role may not send it. It subscribes to no VM's events:
 * the `vm` messages keep every row current, its latest event included.
 */
import { useMemo, useState } from 'react';
import { Link } from 'wouter';
import { useLiveState } from '../../live/useLiveState.ts';
import { Button } from '../../ui/Button.tsx';
import { usePageTitle } from '../../ui/usePageTitle.ts';
import { wordsForTerm } from '../../ui/vm-state-words.ts';
import { usePermission } from '../session/usePermission.ts';
import { useNow } from '../timeline/useNow.ts';
import { countByState, filterByName } from './overview-model.ts';
import { useBulkAction } from './useBulkAction.ts';
import { useVms } from './useVms.ts';
import { VmListHeader, VmRow } from './VmRow.tsx';

export function OverviewPage() {
  usePageTitle('Virtual machines');
  const { data: vms, error, isPending } = useVms();
  const [filter, setFilter] = useState('');
  const [selected, setSelected] = useState<ReadonlySet<string>>(() => new Set());
  const bulk = useBulkAction();
  // Nothing can be sent while the bridge is away (the rows then read `disconnected` too).
  const bridgeReachable = useLiveState().status === 'open';
  const can = usePermission();
  const now = useNow(10_000);
  const shown = useMemo(() => filterByName(vms ?? [], filter), [vms, filter]);
  const counts = useMemo(() => countByState(vms ?? []), [vms]);
  const selectedIds = shown.filter((vm) => selected.has(vm.id)).map((vm) => vm.id);

  const onSelect = (id: string, on: boolean) =>
    setSelected((current) => {
      const next = new Set(current);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });

  return (
    <main className="mx-auto flex w-full max-w-7xl flex-col gap-3 p-3 sm:p-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h1 className="text-xl font-semibold">Virtual machines</h1>
        <ul className="flex flex-wrap gap-x-3 gap-y-1" aria-label="VMs by state">
          {counts.map(([status, count]) => {
            const { label, explanation } = wordsForTerm(status);
            return (
              <li key={status} className="flex items-baseline gap-1 text-sm" title={explanation}>
                <span className="font-semibold tabular-nums">{count}</span>
                <span className="text-zinc-600 dark:text-zinc-400">{label}</span>
                {label.toLowerCase() !== status && (
                  <span className="font-mono text-xs text-zinc-500 dark:text-zinc-400">({status})</span>
                )}
              </li>
            );
          })}
        </ul>
      </div>
      <div className="flex flex-wrap items-center gap-2">
        {/* New VM sits beside the filter, not the title: on a phone the title keeps its counts on its line. */}
        <div className="flex min-w-40 flex-1 items-center gap-2">
          <input
            type="search"
            aria-label="Filter by name"
            placeholder="Filter by name"
            value={filter}
            onChange={(event) => setFilter(event.target.value)}
            className="min-w-0 flex-1 rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-900"
          />
          {/* A link (it goes to a page, and opens in a new tab too); a role that may not create sees why. */}
          {can('vm.create').allowed ? (
            <Link
              href="/vms/new"
              className="shrink-0 whitespace-nowrap rounded-md bg-sky-700 px-2.5 py-1 text-sm font-medium text-white hover:bg-sky-600 sm:px-3 dark:bg-sky-600 dark:hover:bg-sky-500"
            >
              New VM
            </Link>
          ) : (
            <Button size="compact" deniedReason={can('vm.create').reason}>
              New VM
            </Button>
          )}
        </div>
        <fieldset className="flex flex-wrap items-center gap-2">
          <legend className="sr-only">Selected VMs</legend>
          <label className="flex items-center gap-1 text-sm text-zinc-600 dark:text-zinc-400">
            <input
              type="checkbox"
              className="h-4 w-4"
              aria-label="Select all shown VMs"
              checked={shown.length > 0 && selectedIds.length === shown.length}
              onChange={(event) => setSelected(new Set(event.target.checked ? shown.map((vm) => vm.id) : []))}
            />
            all
          </label>
          <span className="text-sm text-zinc-600 tabular-nums dark:text-zinc-400">
            {selectedIds.length} selected
          </span>
          <Button
            disabled={selectedIds.length === 0 || !bridgeReachable}
            deniedReason={can('stop').reason}
            onClick={() => void bulk.run(selectedIds, 'stop', 'overview bulk Pause')}
          >
            {/* The full name stays for assistive technology; a narrow screen shows the verb. */}
            Pause<span className="sr-only sm:not-sr-only"> selected</span>
          </Button>
          <Button
            disabled={selectedIds.length === 0 || !bridgeReachable}
            deniedReason={can('cont').reason}
            onClick={() => void bulk.run(selectedIds, 'cont', 'overview bulk Resume')}
          >
            Resume<span className="sr-only sm:not-sr-only"> selected</span>
          </Button>
        </fieldset>
      </div>
      {error && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          Cannot list VMs: {error.message}
        </p>
      )}
      {isPending && <p className="text-sm text-zinc-500">Loading VMs…</p>}
      {vms && vms.length === 0 && (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          No VMs yet. Make one with New VM, or start the bridge with <code>--config FILE</code> listing your
          VMs.
        </p>
      )}
      <div className="rounded-lg border border-zinc-200 dark:border-zinc-800">
        <VmListHeader />
        <ul aria-label="VM list">
          {shown.map((vm) => (
            <VmRow
              key={vm.id}
              vm={vm}
              selected={selected.has(vm.id)}
              onSelect={onSelect}
              outcome={bulk.outcomes.get(vm.id)}
              now={now}
              bridgeReachable={bridgeReachable}
            />
          ))}
        </ul>
      </div>
      {vms && vms.length > 0 && shown.length === 0 && (
        <p className="text-sm text-zinc-500">No VM matches “{filter}”.</p>
      )}
    </main>
  );
}
