/**
 * What every command is, whichever way it came (a WebSocket `execute`, an HTTP route, a Start button, later a
 * console, a job or the QMP proxy): the one input of the command pipeline.
 */
import type { Actor, InflightCommand, BridgeAction as ProtocolBridgeAction } from '@qmpdeck/protocol';
import type { Principal } from '../auth/principal.ts';

/** Where a command goes: QEMU's monitor, the guest agent, or the bridge itself. */
export type CommandTarget = NonNullable<InflightCommand['target']>;

/**
 * The bridge's own actions (target `bridge`). Named with a dot so they can never collide with a QMP or guest
 * agent name (QAPI names have no dots outside a `__vendor.` prefix); later issues add `vm.stop`, `vm.create`,
 * `vm.delete`, `backup.create`, console input...
 */
export const BRIDGE_ACTIONS = ['vm.start', 'vm.kill'] as const satisfies readonly ProtocolBridgeAction[];
export type BridgeAction = (typeof BRIDGE_ACTIONS)[number];

export function isBridgeAction(name: string): name is BridgeAction {
  return (BRIDGE_ACTIONS as readonly string[]).includes(name);
}

/**
 * The bridge's actions on no VM in particular (target `bridge`, `vm: null`): reading the audit log. They pass the
 * same pipeline (policy, audit) as everything else; only HTTP routes send them.
 */
export const BRIDGE_WIDE_ACTIONS = ['audit.read'] as const satisfies readonly ProtocolBridgeAction[];
export type BridgeWideAction = (typeof BRIDGE_WIDE_ACTIONS)[number];

export function isBridgeWideAction(name: string): name is BridgeWideAction {
  return (BRIDGE_WIDE_ACTIONS as readonly string[]).includes(name);
}

export interface CommandRequest {
  /** The VM's id; null only for a bridge-wide action (`audit.read`). */
  vm: string | null;
  target: CommandTarget;
  /** A QMP command, a guest agent command (`guest-*`) or a bridge action (`vm.start`). */
  command: string;
  arguments?: Record<string, unknown> | undefined;
  /** Who asks: the client, the user, the control they used, their address. */
  actor: Actor;
  /** Who asks, as their credential said: role (for the policy) and VM scope (for the VM's resolution). */
  principal: Principal;
  /** The client's own id for the command, named in `cause` and the in-flight list. */
  clientCommandId?: string | undefined;
  /** Overrides the timeout of the command's class. */
  timeoutMs?: number | undefined;
  /** QMP only: run it out-of-band (`exec-oob`), as a QMP proxy client asked. */
  oob?: boolean | undefined;
}
