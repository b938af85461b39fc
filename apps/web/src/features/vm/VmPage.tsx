/** A VM's own page: header with state and actions, then the chosen tab. */
import { lazy, Suspense } from 'react';
import { Link } from 'wouter';
import { usePageTitle } from '../../ui/usePageTitle.ts';
import { useVm } from '../overview/useVms.ts';
import { Timeline } from '../timeline/Timeline.tsx';
import { useTimelineEvents } from '../timeline/useTimelineEvents.ts';
import { VmHeader } from './VmHeader.tsx';
import { TAB_PANEL_ID, type VmTabId, VmTabs } from './VmTabs.tsx';

const InfoTab = lazy(() => import('../info/InfoTab.tsx'));
const CommandsTab = lazy(() => import('../commands/CommandsTab.tsx'));
const TasksTab = lazy(() => import('../jobs/TasksTab.tsx'));
const ConsoleTab = lazy(() => import('../console/console-chunk.ts').then((m) => ({ default: m.ConsoleTab })));
const QmpConsoleTab = lazy(() => import('../qmp-console/QmpConsoleTab.tsx'));
const HardwareTab = lazy(() => import('../hardware/HardwareTab.tsx'));
// uPlot comes with this tab's chunk: nothing else loads it.
const UsageTab = lazy(() => import('../usage/UsageTab.tsx'));
const SettingsTab = lazy(() => import('../definition/SettingsTab.tsx'));

/** Keeps the VM's events (and so its in-flight list and info refreshes) live on every tab. */
function KeepLive({ vmId }: { vmId: string }) {
  useTimelineEvents(vmId);
  return null;
}

export default function VmPage({ vmId, tab }: { vmId: string; tab: VmTabId }) {
  const { data: vm, error, isPending } = useVm(vmId);
  usePageTitle(vm ? `${vm.name} (${tab})` : 'VM');
  if (!vm) {
    return (
      <main className="p-6">
        <p className="text-sm">
          {isPending ? 'Loading…' : `Cannot show VM "${vmId}": ${error?.message ?? 'not found'}`}
        </p>
        <Link href="/" className="text-sm text-sky-700 underline dark:text-sky-400">
          Back to all VMs
        </Link>
      </main>
    );
  }
  return (
    <main className="flex min-h-0 flex-1 flex-col">
      <KeepLive vmId={vm.id} />
      <VmHeader vm={vm} />
      <VmTabs vmId={vm.id} current={tab} />
      {/* Not labelled by its tab on purpose: a panel named "Commands" would make getByLabel('Command') (and a
          screen reader's label search) find the panel as well as the command picker itself. */}
      <div role="tabpanel" id={TAB_PANEL_ID} className="flex min-h-0 flex-1 flex-col">
        <Suspense fallback={<p className="p-4 text-sm text-zinc-500">Loading…</p>}>
          {tab === 'timeline' && <Timeline vmId={vm.id} />}
          {tab === 'info' && <InfoTab vm={vm} />}
          {tab === 'commands' && <CommandsTab vm={vm} />}
          {tab === 'console' && <ConsoleTab vm={vm} />}
          {tab === 'hardware' && <HardwareTab vm={vm} />}
          {tab === 'usage' && <UsageTab vm={vm} />}
          {tab === 'qmp' && <QmpConsoleTab vm={vm} />}
          {tab === 'tasks' && <TasksTab vm={vm} />}
          {tab === 'settings' && <SettingsTab vm={vm} />}
        </Suspense>
      </div>
    </main>
  );
}
