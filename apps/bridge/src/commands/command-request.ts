/**
 * What every command is, whichever way it came (a WebSocket `execute`, an HTTP route, a Start button, later a
 * console, a job or the QMP proxy): the one input of the command pipeline.
 */
import type { Actor, InflightCommand, BridgeAction as ProtocolBridgeAction } from '@qmpdeck/protocol';
import type { Principal } from '../auth/principal.ts';

/** Where a command goes: QEMU's monitor, the guest agent, or the bridge itself. */
export type CommandTarget = NonNullable<InflightCommand['target']>;

/**
 * The bridge's own actions on a VM (target `bridge`). Named with a dot so they can never collide with a QMP or
 * guest agent name (QAPI names have no dots outside a `__vendor.` prefix); later issues add `backup.create`,
 * console input... `job.control` is here for a VM's jobs and among the bridge-wide actions for storage jobs.
 */
export const BRIDGE_ACTIONS = [
  'vm.start',
  'vm.kill',
  'vm.stop',
  'vm.define',
  'vm.clone',
  'vm.delete',
  'vm.hibernate',
  'vm.dump',
  'backup.create',
  'backup.delete',
  'backup.restore',
  'snapshot.create',
  'snapshot.revert',
  'snapshot.delete',
  'job.control',
] as const satisfies readonly ProtocolBridgeAction[];
export type BridgeAction = (typeof BRIDGE_ACTIONS)[number];

export function isBridgeAction(name: string): name is BridgeAction {
  return (BRIDGE_ACTIONS as readonly string[]).includes(name);
}

/**
 * The bridge's actions on no VM in particular (target `bridge`, `vm: null`): reading the audit log, making a VM
 * (it does not exist yet: its id is in the arguments), storage transfers and removals, steering a storage job.
 * They pass the same pipeline (policy, audit) as everything else; only HTTP routes send them.
 */
export const BRIDGE_WIDE_ACTIONS = [
  'audit.read',
  'vm.create',
  'storage.upload',
  'storage.download',
  'storage.delete',
  'job.control',
] as const satisfies readonly ProtocolBridgeAction[];
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
  /**
   * What a bridge action works on besides its arguments, never audited nor shown: an upload's body stream. Its
   * arguments say what it is (`{ storage, name, bytes }`).
   */
  input?: unknown;
  /**
   * Set on the QMP commands a job sends for the bridge action that started it (a backup's `transaction`, its
   * `job-cancel`): they run as the user who started it and are audited one by one, but are authorized as that
   * action (an operator may back up without being allowed raw `transaction`). Only the bridge sets it.
   */
  partOf?: BridgeAction | undefined;
}
