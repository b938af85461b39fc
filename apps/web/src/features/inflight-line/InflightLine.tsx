/**
 * Commands QEMU (or the guest agent, or the bridge) has not answered yet, in
 * one line in the VM page's header on every tab: how many, what the oldest
 * waits for and for how long ("QEMU has not answered `stop` for 12.0 s"), how
 * many of each command. "Show all" opens the list, in a box of bounded height,
 * so 63 queued commands never push the page below off the screen.
 */
import { useState } from 'react';
import { useNow } from '../timeline/useNow.ts';
import { countsText, seconds, senderWords, summarise, waitingSentence } from './inflight-summary.ts';
import { useInflightCommands } from './useInflightCommands.ts';

export function InflightLine({ vmId }: { vmId: string }) {
  const { data, error } = useInflightCommands(vmId);
  const commands = data ?? [];
  const now = useNow(commands.length > 0 ? 250 : 5_000);
  const [open, setOpen] = useState(false);
  const summary = summarise(commands);
  const oldest = summary.oldest;
  return (
    <section aria-label="In flight" data-testid="inflight-panel" className="flex min-w-0 flex-col text-sm">
      <div className="flex min-h-5 min-w-0 items-baseline gap-x-2">
        <h2 className="shrink-0 font-semibold">In flight ({summary.count})</h2>
        {error && (
          <p className="min-w-0 truncate text-red-700 dark:text-red-400">
            {error.class}: {error.desc}
          </p>
        )}
        {summary.count === 0 && !error && (
          <p className="min-w-0 truncate text-zinc-500 dark:text-zinc-400">No command is waiting for QEMU.</p>
        )}
        {oldest && (
          <p
            className="min-w-0 flex-1 truncate"
            data-testid="inflight-summary"
            title={waitingSentence(oldest, now)}
          >
            <span className="font-medium">{waitingSentence(oldest, now)}</span>
            <span className="text-xs text-zinc-600 dark:text-zinc-400">
              {' · '}
              {summary.count === 1 ? senderWords(oldest) : countsText(summary)}
              {' · '}
              <span className="font-mono tabular-nums">times out in {seconds(oldest.deadline - now)}</span>
            </span>
          </p>
        )}
        {summary.count > 1 && (
          <button
            type="button"
            aria-expanded={open}
            onClick={() => setOpen((shown) => !shown)}
            className="shrink-0 text-xs font-medium text-sky-800 hover:underline dark:text-sky-300"
          >
            {open ? 'Hide list' : `Show all ${summary.count}`}
          </button>
        )}
      </div>
      {open && summary.count > 1 && (
        <ul className="mt-1 flex max-h-32 min-w-0 flex-col overflow-y-auto rounded-md border border-zinc-200 px-2 py-1 dark:border-zinc-800">
          {[...commands]
            .sort((a, b) => a.startedAt - b.startedAt)
            .map((command) => (
              <li key={command.id} className="flex min-w-0 items-baseline gap-x-2">
                <span className="min-w-0 truncate font-mono font-medium">{command.execute}</span>
                <span className="min-w-0 truncate text-xs text-zinc-600 dark:text-zinc-400">
                  {senderWords(command)}
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
