/**
 * The VM page's header: name and state (plain words, QEMU's term beside them),
 * QEMU version, what the guest says, why the VM is not connected, the actions,
 * and the commands in flight. Kept short on a narrow screen: the timeline
 * below is what the page is for.
 */
import type { Vm } from '@qmpdeck/protocol';
import { StatusBadge } from '../../ui/StatusBadge.tsx';
import { GuestSummary } from '../guest/GuestSummary.tsx';
import { InflightLine } from '../inflight-line/InflightLine.tsx';
import { qemuVersion } from '../overview/overview-model.ts';
import { ActionBar } from './actions/ActionBar.tsx';
import { qemuFailed } from './qemu-failed.ts';

function ConnectionMessage({ vm }: { vm: Vm }) {
  if (!vm.message || vm.connection === 'connected') return null;
  if (qemuFailed(vm)) {
    // QEMU's own words (the bridge keeps its last error report): what a person needs to fix the definition.
    return (
      <p
        role="alert"
        className="whitespace-pre-wrap rounded-md bg-red-50 px-2 py-1 font-mono text-xs text-red-900 dark:bg-red-950/50 dark:text-red-200"
        data-testid="vm-message"
      >
        {vm.message}
      </p>
    );
  }
  // A managed VM that is shut off says why (it exited, it was killed): news, not a warning.
  const tone =
    vm.connection === 'stopped' ? 'text-zinc-600 dark:text-zinc-400' : 'text-amber-800 dark:text-amber-300';
  return (
    <p className={`text-sm ${tone}`} data-testid="vm-message">
      {vm.message}
    </p>
  );
}

export function VmHeader({ vm }: { vm: Vm }) {
  const version = qemuVersion(vm);
  return (
    <header className="flex flex-col gap-2 border-b border-zinc-200 px-3 py-2 sm:gap-3 sm:px-4 sm:py-3 dark:border-zinc-800">
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
        <h1 className="min-w-0 text-lg font-semibold wrap-anywhere sm:text-xl">{vm.name}</h1>
        <StatusBadge vm={vm} />
        <span className="text-xs text-zinc-500 sm:text-sm dark:text-zinc-400">
          {[version, vm.managed ? 'managed' : null].filter(Boolean).join(' · ')}
        </span>
        {vm.guest && (vm.guest.hostname || vm.guest.addresses?.length) ? (
          <span className="text-xs text-zinc-600 sm:text-sm dark:text-zinc-300">
            guest <GuestSummary guest={vm.guest} />
          </span>
        ) : null}
      </div>
      <ConnectionMessage vm={vm} />
      <ActionBar vm={vm} status={<InflightLine vmId={vm.id} />} />
    </header>
  );
}
