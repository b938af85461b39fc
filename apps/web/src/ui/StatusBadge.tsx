/**
 * A VM's state as a badge: plain words first, the term beside them, "Not
 * started (prelaunch)", with an explanation as its tooltip. The term alone
 * carries `data-testid="vm-status"` (contract v1), so it reads exactly as
 * before: QMP's RunState while connected, `stopped` for a managed VM whose QEMU
 * is not running, `disconnected` for a VM the bridge cannot reach.
 */
import type { Vm } from '@qmpdeck/protocol';
import { type ShownState, stateWords } from './vm-state-words.ts';

const COLOURS: Partial<Record<ShownState, string>> = {
  running: 'bg-emerald-100 text-emerald-900 ring-emerald-600/30 dark:bg-emerald-900/50 dark:text-emerald-100',
  paused: 'bg-amber-100 text-amber-900 ring-amber-600/30 dark:bg-amber-900/50 dark:text-amber-100',
  prelaunch: 'bg-sky-100 text-sky-900 ring-sky-600/30 dark:bg-sky-900/50 dark:text-sky-100',
  suspended: 'bg-indigo-100 text-indigo-900 ring-indigo-600/30 dark:bg-indigo-900/50 dark:text-indigo-100',
  shutdown: 'bg-zinc-200 text-zinc-900 ring-zinc-600/30 dark:bg-zinc-800 dark:text-zinc-100',
  stopped: 'bg-zinc-200 text-zinc-900 ring-zinc-600/30 dark:bg-zinc-800 dark:text-zinc-100',
  disconnected: 'bg-zinc-200 text-zinc-700 ring-zinc-500/30 dark:bg-zinc-800 dark:text-zinc-300',
};
const PROBLEM = 'bg-red-100 text-red-900 ring-red-600/30 dark:bg-red-900/50 dark:text-red-100';

export function StatusBadge({ vm }: { vm: Pick<Vm, 'connection' | 'status'> }) {
  const { term, label, explanation } = stateWords(vm);
  const sameWord = label.toLowerCase() === term;
  return (
    <span
      title={explanation}
      className={`inline-flex shrink-0 items-baseline justify-center gap-1 whitespace-nowrap rounded-full px-2 py-0.5 text-xs ring-1 ring-inset ${COLOURS[term] ?? PROBLEM}`}
    >
      {sameWord ? (
        // Shown capitalised ("Running"); the text itself stays QEMU's word.
        <span data-testid="vm-status" className="capitalize">
          {term}
        </span>
      ) : (
        <>
          <span className="font-medium">{label}</span>
          <span
            data-testid="vm-status"
            className="font-mono text-[0.7rem] opacity-80 before:content-['('] after:content-[')']"
          >
            {term}
          </span>
        </>
      )}
    </span>
  );
}
