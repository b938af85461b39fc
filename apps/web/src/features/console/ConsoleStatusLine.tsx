/** The console's status line: its connection and the VM's state in words, a way to skip a wait, and extras. */
import type { Vm } from '@qmpdeck/protocol';
import type { ReactNode } from 'react';
import { useNow } from '../timeline/useNow.ts';
import { consoleStatus } from './console-status.ts';
import type { LinkState } from './link/link-state.ts';

const TONES = {
  ok: 'bg-emerald-500',
  waiting: 'bg-amber-500',
  problem: 'bg-red-600',
} as const;

export function ConsoleStatusLine({
  link,
  vm,
  onRetryNow,
  children,
}: {
  link: LinkState;
  vm: Pick<Vm, 'connection' | 'status' | 'message'>;
  onRetryNow(): void;
  /** More to say after the status (keyboard mode, view only, the serial size hint). */
  children?: ReactNode;
}) {
  // Re-renders every second while a retry is scheduled, so "next try in N s" counts down; read the clock itself,
  // as the hook's last tick may be older than the schedule.
  useNow(link.retryAt === null ? 60_000 : 1_000);
  const status = consoleStatus(link, vm, Date.now());
  return (
    <div className="flex flex-wrap items-center gap-x-3 gap-y-1 px-2 py-1 text-xs text-zinc-600 dark:text-zinc-400">
      <span
        className="flex items-center gap-1.5"
        role="status"
        data-testid="console-status"
        data-phase={link.phase}
      >
        <span aria-hidden="true" className={`inline-block h-2 w-2 rounded-full ${TONES[status.tone]}`} />
        {status.text}
      </span>
      {status.canRetryNow && (
        <button type="button" className="text-sky-700 underline dark:text-sky-400" onClick={onRetryNow}>
          Reconnect now
        </button>
      )}
      {children}
    </div>
  );
}
