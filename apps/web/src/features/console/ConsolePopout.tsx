/**
 * The pop-out window (`/vms/:id/console/screen?popout=1`, or a serial port's URL): one console filling its own
 * window, without the app's header and tabs, kept up to date by the same live socket as any page.
 */
import { Link } from 'wouter';
import { usePageTitle } from '../../ui/usePageTitle.ts';
import { useVm } from '../overview/useVms.ts';
import { sourceLabel } from './ConsoleSourcePicker.tsx';
import { ConsoleSourceView } from './ConsoleSourceView.tsx';
import { availableSources, type ConsoleLocation, consoleHref, sameSource } from './console-route.ts';

export default function ConsolePopout({ location }: { location: ConsoleLocation }) {
  const { data: vm, error, isPending } = useVm(location.vmId);
  const sources = availableSources(vm?.consoles);
  const source = location.source ?? sources[0] ?? null;
  usePageTitle(vm && source ? `${vm.name}: ${sourceLabel(source)}` : 'Console');
  if (!vm || !source || !sources.some((s) => sameSource(s, source))) {
    return (
      <main className="p-4 text-sm">
        <p>
          {isPending
            ? 'Loading…'
            : !vm
              ? `Cannot show VM "${location.vmId}": ${error?.message ?? 'not found'}`
              : 'This console is not available.'}
        </p>
        <Link href={consoleHref(location.vmId, null)} className="text-sky-700 underline dark:text-sky-400">
          Open the VM's Console tab
        </Link>
      </main>
    );
  }
  return (
    <main className="flex h-dvh flex-col">
      <ConsoleSourceView vm={vm} source={source} popout />
    </main>
  );
}
