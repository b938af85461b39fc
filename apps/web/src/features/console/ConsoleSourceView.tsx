/**
 * One console source: the screen or a serial port (each loads noVNC or xterm.js when first shown). Shared by the
 * Console tab and the pop-out window. Asks the permission hook whether the person may type.
 */
import type { Vm } from '@qmpdeck/protocol';
import { BridgeAction } from '@qmpdeck/protocol';
import type { ConsoleSource } from './console-route.ts';
import ScreenView from './screen/ScreenView.tsx';
import SerialView from './serial/SerialView.tsx';
import { useInputPermission, useTypeTextPermission } from './useInputPermission.ts';

export function ConsoleSourceView({
  vm,
  source,
  popout = false,
}: {
  vm: Vm;
  source: ConsoleSource;
  popout?: boolean;
}) {
  const screenInput = useInputPermission(BridgeAction.ConsoleInput);
  const typeText = useTypeTextPermission(screenInput);
  const serialInput = useInputPermission(BridgeAction.SerialInput);
  return source.kind === 'screen' ? (
    <ScreenView vm={vm} input={screenInput} typeText={typeText} popout={popout} />
  ) : (
    <SerialView key={source.name} vm={vm} port={source.name} input={serialInput} popout={popout} />
  );
}
