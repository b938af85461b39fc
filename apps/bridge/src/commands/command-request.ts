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
  'device.media',
  'device.nic-add',
  'device.nic-remove',
  'device.disk-add',
  'device.disk-remove',
  'hardware.read',
] as const satisfies readonly ProtocolBridgeAction[];
export type BridgeAction = (typeof BRIDGE_ACTIONS)[number];

/**
 * The bridge's reads of one VM whose runner the server gives, since they read what it owns beside QEMU:
 * `hardware.read` (the Hardware tab's fixed queries as one command, with the NICs' remembered links).
 */
export const VM_READ_ACTIONS = ['hardware.read'] as const satisfies readonly BridgeAction[];
export type VmReadAction = (typeof VM_READ_ACTIONS)[number];

export function isVmReadAction(name: string): name is VmReadAction {
  return (VM_READ_ACTIONS as readonly string[]).includes(name);
}

export function isBridgeAction(name: string): name is BridgeAction {
  return (BRIDGE_ACTIONS as readonly string[]).includes(name);
}

/**
 * Actions that are decisions about a connection, not commands to run: may this actor open the VM's console
 * (`console.view`), may that connection type into it (`console.input`, `serial.input`). The pipeline decides and
 * audits them (`CommandPipeline.authorizeConnection`); nothing is sent to QEMU for them, so they are not
 * `BRIDGE_ACTIONS` (a WebSocket `execute` cannot run one).
 */
export const CONNECTION_ACTIONS = [
  'console.view',
  'console.input',
  'serial.input',
] as const satisfies readonly ProtocolBridgeAction[];
export type ConnectionAction = (typeof CONNECTION_ACTIONS)[number];

/**
 * The actor's `client` when the bridge itself runs a command on behalf of many people at once (one `screendump`
 * shared by every thumbnail of a VM); whoever asked was authorized first, as themselves.
 */
export const BRIDGE_CLIENT = 'bridge';

/**
 * The bridge's actions on no VM in particular (target `bridge`, `vm: null`): reading the audit log, scraping the
 * metrics, making a VM (it does not exist yet: its id is in the arguments), storage transfers and removals,
 * steering a storage job. They pass the same pipeline (policy, audit) as everything else; only HTTP routes send
 * them.
 */
export const BRIDGE_WIDE_ACTIONS = [
  'audit.read',
  'metrics.read',
  'vm.create',
  'storage.upload',
  'storage.download',
  'storage.delete',
  'job.control',
] as const satisfies readonly ProtocolBridgeAction[];
export type BridgeWideAction = (typeof BRIDGE_WIDE_ACTIONS)[number];

/**
 * Bridge-wide actions the pipeline only admits (`pipeline.admit`: policy, and a refusal audited) while their route
 * answers itself: `metrics.read`, since a Prometheus scrape every 15 s run as a command would fill the audit log
 * (and the log) with reads of counters.
 */
export type AdmittedOnlyAction = 'metrics.read';
export type RunnableBridgeWideAction = Exclude<BridgeWideAction, AdmittedOnlyAction>;

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
  /** QMP only: run it out-of-band (`exec-oob`), as a QMP proxy client asked. */
  oob?: boolean | undefined;
}
