/** A command line to copy: a read-only field (focus selects it all), and a button that puts it on the clipboard. */
import { useState } from 'react';
import { Button } from '../../ui/Button.tsx';

type CopyState = 'idle' | 'copied' | 'failed';

export function CopyLine({ label, line }: { label: string; line: string }) {
  const [state, setState] = useState<CopyState>('idle');
  const copy = () => {
    // The clipboard needs a secure context (https, or the bridge on loopback); elsewhere the line stays selectable.
    const clipboard = globalThis.navigator?.clipboard;
    if (!clipboard) {
      setState('failed');
      return;
    }
    clipboard.writeText(line).then(
      () => setState('copied'),
      () => setState('failed'),
    );
  };
  return (
    <div className="flex min-w-0 items-center gap-2">
      <input
        readOnly
        value={line}
        aria-label={label}
        onFocus={(event) => event.currentTarget.select()}
        className="min-w-0 flex-1 rounded bg-zinc-50 px-2 py-1 font-mono text-xs text-zinc-900 ring-1 ring-inset ring-zinc-200 dark:bg-zinc-900 dark:text-zinc-100 dark:ring-zinc-800"
      />
      <Button size="small" onClick={copy} aria-label={`Copy the ${label} command`}>
        {state === 'copied' ? 'Copied' : 'Copy'}
      </Button>
      {state === 'failed' && (
        <span role="status" className="text-xs text-amber-800 dark:text-amber-300">
          select it and copy
        </span>
      )}
    </div>
  );
}
