/** Commands QEMU has not answered yet: who sent them, how long they have run, when they time out. */
import { useNow } from '../timeline/useNow.ts';
import { useInflight } from './useInflight.ts';

const seconds = (ms: number) => `${(Math.max(0, ms) / 1000).toFixed(1)} s`;

export function InflightPanel({ vmId }: { vmId: string }) {
  const { data, error } = useInflight(vmId);
  const commands = data ?? [];
  const now = useNow(commands.length > 0 ? 250 : 5_000);
  return (
    <section
      aria-label="In flight"
      data-testid="inflight-panel"
      className="flex min-w-0 flex-col gap-1 rounded-lg border border-zinc-200 p-3 dark:border-zinc-800"
    >
      <h2 className="text-sm font-semibold">In flight ({commands.length})</h2>
      {error && (
        <p className="text-sm text-red-700 dark:text-red-400">
          {error.class}: {error.desc}
        </p>
      )}
      {commands.length === 0 && !error && (
        <p className="text-sm text-zinc-500">No command is waiting for QEMU.</p>
      )}
      <ul className="flex flex-col gap-1">
        {commands.map((command) => (
          <li key={command.id} className="flex flex-wrap items-baseline gap-x-2 text-sm">
            <span className="font-mono font-medium">{command.execute}</span>
            <span className="text-xs text-zinc-600 dark:text-zinc-400">
              {command.origin ?? `client ${command.client}`}
              {command.user ? ` by ${command.user}` : ''}
            </span>
            <span className="ml-auto font-mono text-xs tabular-nums">
              {seconds(now - command.startedAt)} · times out in {seconds(command.deadline - now)}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
