/**
 * "Type text": text pasted here is typed into the guest as keystrokes for the guest's keyboard layout (QEMU
 * cannot reach the guest's clipboard), with progress and Cancel. What the chosen layout cannot type is listed
 * before anything is sent, and typing waits until it is fixed: nothing is dropped on the way. Keystrokes need
 * a running VM (QEMU refuses `input-send-event` while it is paused), so the button says so instead.
 */
import type { Vm } from '@qmpdeck/protocol';
import { useId, useMemo, useState } from 'react';
import { Button } from '../../../ui/Button.tsx';
import type { LayoutSpec } from './layout-spec.ts';
import { LAYOUTS, layoutById } from './layouts/index.ts';
import { loadLayout, saveLayout } from './stored-layout.ts';
import { planTyping, type Untypable } from './text-to-keystrokes.ts';
import { type TypeTextState, useTypeText } from './useTypeText.ts';

function describeChar({ char }: Untypable): string {
  if (char === '\u00a0') return 'no-break space';
  const code = char.codePointAt(0)?.toString(16).toUpperCase().padStart(4, '0');
  return `“${char}” (U+${code})`;
}

function UntypableNote({ untypable, layout }: { untypable: Untypable[]; layout: LayoutSpec }) {
  const distinct = [...new Map(untypable.map((u) => [u.char, u])).values()];
  const shown = distinct.slice(0, 8).map(describeChar).join(', ');
  const more = distinct.length > 8 ? ` and ${distinct.length - 8} more` : '';
  return (
    <p role="alert" className="text-sm text-red-700 dark:text-red-400" data-testid="type-text-untypable">
      The {layout.name} layout cannot type {shown}
      {more} ({untypable.length} in the text, first at character {(untypable[0]?.index ?? 0) + 1}). Remove
      them or choose the guest's layout.
    </p>
  );
}

function progressWords(state: TypeTextState): string | null {
  if (state.state === 'typing')
    return `Typing… ${state.progress.typed} of ${state.progress.total} characters`;
  if (state.state !== 'finished') return null;
  const { outcome, total } = state;
  if (outcome.state === 'done') return `Typed ${outcome.typed} characters.`;
  if (outcome.state === 'cancelled') return `Cancelled after ${outcome.typed} of ${total} characters.`;
  return `Stopped after ${outcome.typed} of ${total} characters: ${outcome.error.desc} (${outcome.error.class})`;
}

export function TypeTextPanel({ vm }: { vm: Pick<Vm, 'id' | 'status' | 'connection'> }) {
  const [text, setText] = useState('');
  const [layout, setLayout] = useState(() => loadLayout(vm.id));
  const plan = useMemo(() => planTyping(text, layout), [text, layout]);
  const typing = useTypeText(vm);
  const textId = useId();
  const layoutId = useId();
  const running = vm.connection === 'connected' && vm.status === 'running';
  const busy = typing.state.state === 'typing';
  const words = progressWords(typing.state);
  const failed = typing.state.state === 'finished' && typing.state.outcome.state === 'failed';

  const chooseLayout = (id: string) => {
    const chosen = layoutById(id);
    if (!chosen) return;
    setLayout(chosen);
    saveLayout(vm.id, chosen);
  };

  return (
    <section
      aria-label="Type text"
      className="flex flex-col gap-2 border-t border-zinc-200 p-2 dark:border-zinc-800"
    >
      <div className="flex flex-wrap items-end gap-2">
        <div className="flex min-w-48 flex-1 flex-col gap-1">
          <label htmlFor={textId} className="text-xs font-medium text-zinc-600 dark:text-zinc-400">
            Text to type into the guest
          </label>
          <textarea
            id={textId}
            value={text}
            onChange={(event) => setText(event.target.value)}
            rows={3}
            spellCheck={false}
            className="rounded-md border border-zinc-300 bg-white px-2 py-1 font-mono text-sm dark:border-zinc-700 dark:bg-zinc-900"
          />
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor={layoutId} className="text-xs font-medium text-zinc-600 dark:text-zinc-400">
            Guest keyboard layout
          </label>
          <select
            id={layoutId}
            value={layout.id}
            onChange={(event) => chooseLayout(event.target.value)}
            className="rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm dark:border-zinc-700 dark:bg-zinc-900"
          >
            {LAYOUTS.map((option) => (
              <option key={option.id} value={option.id}>
                {option.name} ({option.id})
              </option>
            ))}
          </select>
        </div>
        {busy ? (
          <Button onClick={typing.cancel}>Cancel</Button>
        ) : (
          <Button
            intent="primary"
            disabled={!running || plan.keystrokes.length === 0 || plan.untypable.length > 0}
            onClick={() => void typing.start(plan.keystrokes)}
          >
            Type
          </Button>
        )}
      </div>
      {plan.untypable.length > 0 && <UntypableNote untypable={plan.untypable} layout={layout} />}
      {!running && (
        <p className="text-xs text-zinc-600 dark:text-zinc-400">
          Typing needs a running VM: QEMU takes no keystrokes while it is paused or stopped.
        </p>
      )}
      {typing.state.state === 'typing' && (
        <progress
          className="h-1.5 w-full"
          max={typing.state.progress.total}
          value={typing.state.progress.typed}
          aria-label="Typing progress"
        />
      )}
      {words && (
        <p
          className={`text-xs ${failed ? 'text-red-700 dark:text-red-400' : 'text-zinc-600 dark:text-zinc-400'}`}
          role="status"
          data-testid="type-text-progress"
        >
          {words}
        </p>
      )}
    </section>
  );
}
