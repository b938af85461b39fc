/**
 * May this person type into the VM's screen (`console.input`) or a serial port (`serial.input`)? A viewer watches:
 * the page then sets noVNC's `viewOnly`, hides the keys menu and Type text, turns the terminal's input off and
 * says why. The page only spares people a button that cannot work; the bridge drops a viewer's input whatever the
 * page does.
 *
 * Until the users and roles of issue 12 land, the bridge has no roles and everyone may type. Wiring it is this
 * one function: `const { can } = usePermission(); return can(action, vm.id) ? ALLOWED : { allowed: false, reason }`.
 */
import type { BridgeAction, Vm } from '@qmpdeck/protocol';

export type InputAction = typeof BridgeAction.ConsoleInput | typeof BridgeAction.SerialInput;

export interface InputPermission {
  allowed: boolean;
  /** Why not, in words for the person ("Your role (viewer) can watch this console but not type into it"). */
  reason: string | null;
}

export const INPUT_ALLOWED: InputPermission = { allowed: true, reason: null };

export function useInputPermission(_vm: Pick<Vm, 'id'>, _action: InputAction): InputPermission {
  return INPUT_ALLOWED;
}
