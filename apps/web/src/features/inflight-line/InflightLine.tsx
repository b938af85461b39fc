/**
 * Commands QEMU has not answered yet: who sent them, how long they have run,
 * when they time out. It sits in the VM page's header, so it is there on every
 * tab; one line when nothing or one command waits (the common cases), so the
 * page below does not jump each time a command comes and goes.
 */
import { useNow } from '../timeline/useNow.ts';
import { useInflightCommands } from './useInflightCommands.ts';

const seconds = (ms: number) => `${(Math.max(0, ms) / 1000).toFixed(1)} s`;

export function InflightLine({ vmId }: { vmId: string }) {
  const { data, error } = useInflightCommands(vmId);
  const commands = data ?? [];
  const now = useNow(commands.length > 0 ? 250 : 5_000);
  return (
    <section
      aria-label="In flight"
      data-testid="inflight-panel"
      className="flex min-h-5 min-w-0 items-baseline gap-x-2 text-sm"
    >
      <h2 className="shrink-0 font-semibold">In flight ({commands.length})</h2>
      {error && (
        <p className="min-w-0 truncate text-red-700 dark:text-red-400">
          {error.class}: {error.desc}
        </p>
      )}
      {commands.length === 0 && !error && (
        <p className="min-w-0 truncate text-zinc-500 dark:text-zinc-400">No command is waiting for QEMU.</p>
      )}
      {commands.length > 0 && (
        <ul className="flex min-w-0 flex-1 flex-col">
          {commands.map((command) => (
            <li key={command.id} className="flex min-w-0 items-baseline gap-x-2">
              <span className="min-w-0 truncate font-mono font-medium">{command.execute}</span>
              <span className="min-w-0 truncate text-xs text-zinc-600 dark:text-zinc-400">
                {command.origin ?? `client ${command.client}`}
                {command.user ? ` by ${command.user}` : ''}
              </span>
              <span className="ml-auto shrink-0 font-mono text-xs tabular-nums">
                {seconds(now - command.startedAt)} · times out in {seconds(command.deadline - now)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
