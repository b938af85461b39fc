/**
 * May this person type into the VM's screen (`console.input`) or a serial port (`serial.input`)? Asked through the
 * one permission hook (`usePermission`, the bridge's own rule for the signed-in role), so a console's limits read
 * like every other control's. A viewer watches: the page then sets noVNC's `viewOnly`, shows the keys menu and Type
 * text as denied with the reason, turns the terminal's input off and says why. The page only spares people a
 * control that cannot work; the bridge drops a viewer's input whatever the page does.
 */
import type { BridgeAction } from '@qmpdeck/protocol';
import { usePermission } from '../session/usePermission.ts';

export type InputAction = typeof BridgeAction.ConsoleInput | typeof BridgeAction.SerialInput;

export interface InputPermission {
  allowed: boolean;
  /** Why not, in words for the person ("Your role (viewer) may not type into consoles"); null when allowed. */
  reason: string | null;
}

export const INPUT_ALLOWED: InputPermission = { allowed: true, reason: null };

/** Type text is `input-send-event` through the execute path, so it needs that command as well as `console.input`. */
export const TYPE_TEXT_COMMAND = 'input-send-event';

export function useInputPermission(action: InputAction): InputPermission {
  const can = usePermission();
  const permission = can(action);
  return permission.allowed ? INPUT_ALLOWED : { allowed: false, reason: permission.reason };
}

/** Whether the person may use Type text: typing into the screen at all, and the command it sends. */
export function useTypeTextPermission(screen: InputPermission): InputPermission {
  const can = usePermission();
  if (!screen.allowed) return screen;
  const permission = can(TYPE_TEXT_COMMAND);
  return permission.allowed ? INPUT_ALLOWED : { allowed: false, reason: permission.reason };
}
