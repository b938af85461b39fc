/** Switches the Console tab between the screen and each serial port; each is a link with its own URL. */
import { Link } from 'wouter';
import { type ConsoleSource, consoleHref, sameSource } from './console-route.ts';

export function sourceLabel(source: ConsoleSource): string {
  return source.kind === 'screen' ? 'Screen' : `Serial ${source.name}`;
}

export function ConsoleSourcePicker({
  vmId,
  sources,
  current,
}: {
  vmId: string;
  sources: ConsoleSource[];
  current: ConsoleSource | null;
}) {
  return (
    <nav aria-label="Consoles" className="flex flex-wrap gap-1">
      {sources.map((source) => {
        const selected = sameSource(source, current);
        return (
          <Link
            key={consoleHref(vmId, source)}
            href={consoleHref(vmId, source)}
            aria-current={selected ? 'page' : undefined}
            className={`rounded-md px-2.5 py-1 text-sm ${selected ? 'bg-sky-700 text-white' : 'text-zinc-700 ring-1 ring-inset ring-zinc-300 hover:bg-zinc-50 dark:text-zinc-300 dark:ring-zinc-700 dark:hover:bg-zinc-800'}`}
          >
            {sourceLabel(source)}
          </Link>
        );
      })}
    </nav>
  );
}
