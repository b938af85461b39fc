/** One VM on the overview: what it is doing, the latest thing that happened to it, a quick action. */
import type { Vm } from '@qmpdeck/protocol';
import { Link } from 'wouter';
import { StatusBadge } from '../../ui/StatusBadge.tsx';
import { formatAgo } from '../timeline/event-time.ts';
import { firstIpv4, qemuVersion } from './overview-model.ts';
import { QuickAction } from './QuickAction.tsx';
import type { BulkOutcome } from './useBulkAction.ts';

interface VmRowProps {
  vm: Vm;
  selected: boolean;
  onSelect(id: string, selected: boolean): void;
  outcome: BulkOutcome | undefined;
  now: number;
  bridgeReachable: boolean;
}

function OutcomeText({ outcome }: { outcome: BulkOutcome | undefined }) {
  if (!outcome) return null;
  if (outcome.state === 'pending') return <span className="text-zinc-500">sending…</span>;
  if (outcome.state === 'done') return <span className="text-emerald-700 dark:text-emerald-400">done</span>;
  return <span className="text-red-700 dark:text-red-400">failed: {outcome.message}</span>;
}

export function VmRow({ vm, selected, onSelect, outcome, now, bridgeReachable }: VmRowProps) {
  const ipv4 = firstIpv4(vm);
  const version = qemuVersion(vm);
  return (
    <li
      className="grid grid-cols-[auto_1fr_auto] items-center gap-x-3 gap-y-1 border-b border-zinc-200 px-3 py-3 md:grid-cols-[auto_minmax(10rem,2fr)_7rem_minmax(8rem,1.5fr)_minmax(8rem,1.5fr)_auto] dark:border-zinc-800"
      data-testid="vm-row"
    >
      <input
        type="checkbox"
        className="h-4 w-4"
        checked={selected}
        onChange={(event) => onSelect(vm.id, event.target.checked)}
        aria-label={`Select ${vm.name}`}
      />
      <div className="min-w-0">
        <Link
          href={`/vms/${encodeURIComponent(vm.id)}`}
          className="block truncate font-medium text-sky-800 hover:underline dark:text-sky-300"
        >
          {vm.name}
        </Link>
        <p className="truncate text-xs text-zinc-500 dark:text-zinc-400">
          {vm.connection}
          {version ? ` · ${version}` : ''}
          {vm.connection !== 'connected' && vm.message ? ` · ${vm.message}` : ''}
        </p>
      </div>
      <div className="justify-self-end md:justify-self-start">
        <StatusBadge vm={vm} />
      </div>
      <div className="col-span-3 min-w-0 text-xs text-zinc-600 md:col-span-1 dark:text-zinc-400">
        {vm.latestEvent ? (
          <span className="truncate">
            <span className="font-mono">{vm.latestEvent.event}</span> ·{' '}
            {formatAgo(vm.latestEvent.timestamp, now)}
          </span>
        ) : (
          <span className="text-zinc-400">no events yet</span>
        )}
      </div>
      <div
        className="col-span-2 min-w-0 truncate text-xs text-zinc-600 md:col-span-1 dark:text-zinc-400"
        data-testid="vm-guest"
      >
        {vm.guest?.hostname || ipv4 ? (
          <>
            {vm.guest?.hostname && <span className="font-medium">{vm.guest.hostname}</span>}
            {ipv4 && <span className="font-mono"> {ipv4}</span>}
          </>
        ) : vm.guest ? (
          <span className="text-zinc-400">agent {vm.guest.agent}</span>
        ) : null}
        <span className="ml-2 text-xs">
          <OutcomeText outcome={outcome} />
        </span>
      </div>
      <div className="justify-self-end">
        <QuickAction vm={vm} bridgeReachable={bridgeReachable} />
      </div>
    </li>
  );
}
