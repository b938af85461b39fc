/**
 * Runs "Type text" for one VM through the page's one execute path (the socket's `execute`, so the bridge's
 * command pipeline authorizes, audits and records each `input-send-event`), with progress and Cancel.
 */
import type { Vm } from '@qmpdeck/protocol';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useExecute } from '../../../live/useExecute.ts';
import type { CharKeystrokes } from './text-to-keystrokes.ts';
import { type TypeOutcome, type TypeProgress, typeKeystrokes } from './type-keystrokes.ts';

export type TypeTextState =
  | { state: 'idle' }
  | { state: 'typing'; progress: TypeProgress }
  | { state: 'finished'; outcome: TypeOutcome; total: number };

export function useTypeText(vm: Pick<Vm, 'id'>) {
  const execute = useExecute();
  const [state, setState] = useState<TypeTextState>({ state: 'idle' });
  const controller = useRef<AbortController | null>(null);

  // Leaving the view stops typing between two characters.
  useEffect(() => () => controller.current?.abort(), []);

  const start = useCallback(
    async (keystrokes: readonly CharKeystrokes[]) => {
      controller.current?.abort();
      const current = new AbortController();
      controller.current = current;
      setState({ state: 'typing', progress: { typed: 0, total: keystrokes.length } });
      const outcome = await typeKeystrokes(keystrokes, {
        send: (events) =>
          execute({ vm: vm.id, execute: 'input-send-event', arguments: { events }, origin: 'type text' }),
        signal: current.signal,
        onProgress: (progress) => {
          if (controller.current === current) setState({ state: 'typing', progress });
        },
      });
      if (controller.current === current) {
        controller.current = null;
        setState({ state: 'finished', outcome, total: keystrokes.length });
      }
    },
    [execute, vm.id],
  );

  const cancel = useCallback(() => controller.current?.abort(), []);

  return { state, start, cancel };
}
