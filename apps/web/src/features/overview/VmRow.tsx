/**
 * One VM on the overview: its name, its state in plain words with QEMU's term
 * beside them, the latest thing that happened to it (from the `vm` message), what
 * the guest says about itself, and one action. Columns line up under the
 * overview's header from the `md` width on; below it a row is a small card.
 */
import type { Vm } from '@qmpdeck/protocol';
import { Link } from 'wouter';
import { eventTitle, isBridgeEvent } from '../../qemu/event-names.ts';
import { StatusBadge } from '../../ui/StatusBadge.tsx';
import { ScreenThumbnail } from '../console/thumbnail/ScreenThumbnail.tsx';
import { GuestSummary } from '../guest/GuestSummary.tsx';
import { formatAgo } from '../timeline/event-time.ts';
import { UsageSummary } from '../usage/CpuSparkline.tsx';
import { qemuVersion } from './overview-model.ts';
import { QuickAction } from './QuickAction.tsx';
import type { BulkOutcome } from './useBulkAction.ts';

/** The grid of a row and of the header above the rows: the same columns, so they line up. */
export const ROW_COLUMNS =
  'grid grid-cols-[auto_1fr_auto] items-center gap-x-3 gap-y-1 md:grid-cols-[auto_minmax(9rem,2fr)_11rem_11.5rem_minmax(9rem,1.6fr)_minmax(8rem,1.4fr)_auto]';

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

function LatestEvent({ latest, now }: { latest: NonNullable<Vm['latestEvent']>; now: number }) {
  // QEMU's own name stays beside the words (people search for it); the bridge's are only its shorthand.
  const term = isBridgeEvent(latest.event) ? null : latest.event;
  return (
    <span className="block truncate" title={latest.event} data-testid="vm-latest-event">
      <span className="sr-only md:hidden">Latest: </span>
      {eventTitle(latest.event)}
      {term && <span className="font-mono text-[0.7rem] text-zinc-500 dark:text-zinc-400"> ({term})</span>}
      {' · '}
      {formatAgo(latest.timestamp, now)}
    </span>
  );
}

export function VmRow({ vm, selected, onSelect, outcome, now, bridgeReachable }: VmRowProps) {
  const version = qemuVersion(vm);
  // Why a VM is not connected; a shut-off VM's reason is news, not a warning.
  const message = vm.connection !== 'connected' && vm.message ? vm.message : null;
  return (
    <li
      className={`${ROW_COLUMNS} border-b border-zinc-200 px-3 py-2.5 last:border-b-0 dark:border-zinc-800`}
      data-testid="vm-row"
    >
      <input
        type="checkbox"
        className="h-4 w-4"
        checked={selected}
        onChange={(event) => onSelect(vm.id, event.target.checked)}
        aria-label={`Select ${vm.name}`}
      />
      <div className="flex min-w-0 items-center gap-2">
        <ScreenThumbnail vm={vm} />
        <div className="min-w-0">
          <Link
            href={`/vms/${encodeURIComponent(vm.id)}`}
            className="block truncate font-medium text-sky-800 hover:underline dark:text-sky-300"
          >
            {vm.name}
          </Link>
          <p className="truncate text-xs text-zinc-500 dark:text-zinc-400" title={message ?? undefined}>
            {[version, vm.managed ? 'managed' : null, message].filter(Boolean).join(' · ') || vm.id}
          </p>
        </div>
      </div>
      <div className="justify-self-end md:justify-self-start">
        <StatusBadge vm={vm} />
      </div>
      <div className="col-span-3 min-w-0 text-xs text-zinc-600 md:col-span-1 dark:text-zinc-400">
        <UsageSummary vm={vm} />
      </div>
      <div className="col-span-3 min-w-0 text-xs text-zinc-600 md:col-span-1 dark:text-zinc-400">
        {vm.latestEvent ? (
          <LatestEvent latest={vm.latestEvent} now={now} />
        ) : (
          <span className="text-zinc-400">no events yet</span>
        )}
      </div>
      <div
        className="col-span-2 min-w-0 truncate text-xs text-zinc-600 md:col-span-1 dark:text-zinc-400"
        data-testid="vm-guest"
      >
        <GuestSummary guest={vm.guest} />
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

/** The overview's column headers, over the same grid as the rows (wide screens only; a narrow row is a card). */
export function VmListHeader() {
  return (
    <div
      aria-hidden="true"
      className={`${ROW_COLUMNS} hidden border-b border-zinc-200 bg-zinc-50 px-3 py-1.5 text-xs font-medium text-zinc-600 md:grid dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-400`}
      data-testid="vm-list-header"
    >
      <span className="w-4" />
      <span>Name</span>
      <span>State</span>
      <span>CPU (hour) · memory</span>
      <span>Latest event</span>
      <span>Guest (hostname, address)</span>
      <span className="w-20 text-right">Action</span>
    </div>
  );
}
