/**
 * What a command sent and what came back: the QMP JSON, then the pretty return (a monitor's text output as
 * text, with its line breaks) or the QMP error.
 */
import type { HistoryEntry } from './command-history.ts';
import { clippedNote, qmpJson } from './command-history.ts';
import { readableText } from './readable-text.ts';

const PRE =
  'max-h-96 overflow-auto rounded-md bg-zinc-50 p-2 font-mono text-xs text-zinc-800 dark:bg-zinc-900 dark:text-zinc-200';

export function CommandResult({ entry }: { entry: HistoryEntry }) {
  const { outcome } = entry;
  return (
    <div className="flex flex-col gap-2" data-testid="command-result">
      <div>
        <h3 className="text-xs font-medium text-zinc-600 dark:text-zinc-400">Sent</h3>
        <pre className={PRE} data-testid="qmp-sent">
          {qmpJson(entry.request)}
        </pre>
      </div>
      <div aria-live="polite">
        <h3 className="text-xs font-medium text-zinc-600 dark:text-zinc-400">
          {outcome.state === 'error' ? 'Error' : 'Return'}
        </h3>
        {outcome.state === 'pending' && <p className="text-sm text-zinc-500">Waiting for QEMU…</p>}
        {outcome.state === 'ok' && outcome.clippedBytes !== undefined && (
          <p className="text-sm text-zinc-500">{clippedNote(outcome.clippedBytes)}</p>
        )}
        {outcome.state === 'ok' && outcome.clippedBytes === undefined && (
          <pre className={PRE} data-testid="qmp-return">
            {readableText(entry.request.execute, outcome.value) ?? JSON.stringify(outcome.value, null, 2)}
          </pre>
        )}
        {outcome.state === 'error' && (
          <p
            role="alert"
            data-testid="qmp-error"
            className="rounded-md bg-red-50 p-2 text-sm text-red-900 dark:bg-red-950 dark:text-red-200"
          >
            <span className="font-mono font-semibold">{outcome.class}</span>: {outcome.desc}
          </p>
        )}
      </div>
    </div>
  );
}
