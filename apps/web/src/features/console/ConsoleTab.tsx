/**
 * The Console tab (`/vms/:id/console`): the VM's screen (noVNC) and serial ports (xterm.js), as the bridge lists
 * them in `vm.consoles`, one at a time with a switch between them. The tab shows the screen by default, or the
 * first serial port of a VM without a display; a VM with neither says so and how to add one.
 */
import type { Vm } from '@qmpdeck/protocol';
import { useLocation } from 'wouter';
import { ConsoleSourcePicker } from './ConsoleSourcePicker.tsx';
import { ConsoleSourceView } from './ConsoleSourceView.tsx';
import { availableSources, parseConsolePath, sameSource } from './console-route.ts';

function Note({ children }: { children: React.ReactNode }) {
  return <div className="max-w-prose p-4 text-sm text-zinc-700 dark:text-zinc-300">{children}</div>;
}

export default function ConsoleTab({ vm }: { vm: Vm }) {
  const [location] = useLocation();
  const asked = parseConsolePath(location)?.source ?? null;
  const sources = availableSources(vm.consoles);
  const source = asked ?? sources[0] ?? null;
  const known = source !== null && sources.some((s) => sameSource(s, source));

  if (!vm.consoles) {
    return (
      <Note>
        <p>The bridge has not said which consoles this VM has yet (it learns them once it reaches QEMU).</p>
      </Note>
    );
  }
  if (sources.length === 0) {
    return (
      <Note>
        <p data-testid="no-consoles">This VM has no display and no serial port the bridge can show.</p>
        <p className="mt-2 text-zinc-500">
          Give QEMU a VNC display (<code>-vnc 127.0.0.1:0,to=99</code> or <code>-vnc unix:PATH</code>) or a
          serial port on a socket (
          <code>-chardev socket,id=serial0,path=PATH,server=on,wait=off -serial chardev:serial0</code>
          ).
        </p>
      </Note>
    );
  }
  return (
    <div className="flex min-h-0 flex-1 flex-col">
      <div className="flex flex-wrap items-center gap-2 px-2 pt-2 pb-1">
        <ConsoleSourcePicker vmId={vm.id} sources={sources} current={known ? source : null} />
      </div>
      {source && known ? (
        <ConsoleSourceView vm={vm} source={source} />
      ) : (
        <Note>
          <p role="alert">
            {source?.kind === 'serial'
              ? `This VM has no serial port named “${source.name}”.`
              : 'This VM has no display.'}{' '}
            Choose one of its consoles above.
          </p>
        </Note>
      )}
    </div>
  );
}
