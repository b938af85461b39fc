/**
 * One console source: the screen or a serial port, each a chunk of its own (noVNC and xterm.js load with it).
 * Shared by the Console tab and the pop-out window. Asks the permission hook whether the person may type.
 */
import type { Vm } from '@qmpdeck/protocol';
import { BridgeAction } from '@qmpdeck/protocol';
import { lazy, Suspense } from 'react';
import type { ConsoleSource } from './console-route.ts';
import { useInputPermission } from './useInputPermission.ts';

const ScreenView = lazy(() => import('./screen/ScreenView.tsx'));
const SerialView = lazy(() => import('./serial/SerialView.tsx'));

export function ConsoleSourceView({
  vm,
  source,
  popout = false,
}: {
  vm: Vm;
  source: ConsoleSource;
  popout?: boolean;
}) {
  const screenInput = useInputPermission(vm, BridgeAction.ConsoleInput);
  const serialInput = useInputPermission(vm, BridgeAction.SerialInput);
  return (
    <Suspense fallback={<p className="p-4 text-sm text-zinc-500">Loading the console…</p>}>
      {source.kind === 'screen' ? (
        <ScreenView vm={vm} input={screenInput} popout={popout} />
      ) : (
        <SerialView key={source.name} vm={vm} port={source.name} input={serialInput} popout={popout} />
      )}
    </Suspense>
  );
}
