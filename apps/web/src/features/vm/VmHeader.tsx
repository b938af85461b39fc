/** The VM page's header: name, run state, connection, QEMU version, actions, commands in flight. */
import type { Vm } from '@qmpdeck/protocol';
import { StatusBadge } from '../../ui/StatusBadge.tsx';
import { InflightLine } from '../inflight-line/InflightLine.tsx';
import { firstIpv4, qemuVersion } from '../overview/overview-model.ts';
import { ActionBar } from './actions/ActionBar.tsx';

export function VmHeader({ vm }: { vm: Vm }) {
  const version = qemuVersion(vm);
  return (
    <header className="flex flex-col gap-3 border-b border-zinc-200 px-4 py-3 dark:border-zinc-800">
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
        <h1 className="min-w-0 text-lg font-semibold wrap-anywhere sm:text-xl">{vm.name}</h1>
        <StatusBadge vm={vm} />
        <span className="text-sm text-zinc-500 dark:text-zinc-400">
          {vm.connection}
          {version ? ` · ${version}` : ''}
          {vm.managed ? ' · managed' : ''}
        </span>
        {vm.guest?.hostname && (
          <span className="text-sm text-zinc-600 dark:text-zinc-300">
            guest <span className="font-medium">{vm.guest.hostname}</span>
            {firstIpv4(vm) ? <span className="font-mono"> {firstIpv4(vm)}</span> : null}
          </span>
        )}
      </div>
      {vm.message && vm.connection !== 'connected' && (
        <p className="text-sm text-amber-800 dark:text-amber-300">{vm.message}</p>
      )}
      <ActionBar vm={vm} status={<InflightLine vmId={vm.id} />} />
    </header>
  );
}
