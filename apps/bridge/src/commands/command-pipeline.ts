/**
 * THE ONE PLACE EVERY COMMAND PASSES. Whatever reaches a VM on behalf of a person goes through `run()`: a
 * WebSocket `execute` (QMP or `target: "guest"`), `POST /api/vms/:id/execute`, `.../guest/execute`, start and
 * kill of managed VMs, the schema route's fetch, a QMP proxy client's command, and later consoles, jobs and bulk
 * actions. Each step is a small named function:
 *
 *   resolve the VM (and the caller's VM SCOPE: a VM out of scope is not found) -> refuse while stopping -> check
 *   the request -> AUTHORIZE (CommandPolicy: the caller's role) -> apply the timeout -> record in flight (and so
 *   the cause of its events; arguments with secrets redacted) -> route to QMP / the guest agent / a bridge action
 *   -> AUDIT (CommandAudit), whatever the outcome
 *
 * A bridge-wide action (`audit.read`, `vm: null`) skips the VM's steps and runs the same checks, policy and audit;
 * `metrics.read` is only admitted (`admit`: a refusal audited, a scrape not) and its route answers it. The VM
 * reads the server owns (`hardware.read`) run like the bridge's other actions, with the runner the server gives.
 *
 * Connection-level actions (opening a console: `console.view`; may that connection type: `console.input`,
 * `serial.input`) pass `authorizeConnection()`: the same resolve (with scope), refusal while stopping, policy and
 * audit, and nothing sent to QEMU. A console is audited once per connection, never per key.
 *
 * The bridge's own housekeeping does not pass here: the run-state query after events, the guest link's heartbeat
 * and reads, autostart and shutdown of managed VMs. They are not anybody's command, cause no events and need no
 * permission (see docs/architecture.md).
 */
import { BridgeErrorClass } from '@qmpdeck/protocol';
import { redactArguments } from '../audit/redact-arguments.ts';
import { principalSees } from '../auth/principal.ts';
import { BridgeError, badRequest, toErrorBody, vmNotFound } from '../bridge-error.ts';
import type { TimeoutsConfig } from '../config/schema.ts';
import type { VmRegistry } from '../vms/vm-registry.ts';
import type { VmSupervisor } from '../vms/vm-supervisor.ts';
import { type BridgeActionRunners, LIFECYCLE_RUNNERS } from './bridge-actions.ts';
import { checkRequest } from './check-request.ts';
import type { CommandAudit, CommandRecord } from './command-audit.ts';
import { allowEverything, type CommandPolicy, type PolicyDecision } from './command-policy.ts';
import {
  type BridgeAction,
  type CommandRequest,
  type ConnectionAction,
  isVmReadAction,
  type RunnableBridgeWideAction,
  type VmReadAction,
} from './command-request.ts';
import { DEFAULT_TIMEOUTS, timeoutFor } from './timeouts.ts';

/** What the bridge-wide actions do; given by the server, which owns what they read. */
export type BridgeWideRunners = Readonly<
  Partial<Record<RunnableBridgeWideAction, (request: CommandRequest) => unknown>>
>;
/** What the bridge's reads of one VM do (`hardware.read`); given by the server, which owns what they read. */
export type VmReadRunners = Readonly<
  Record<VmReadAction, (vm: VmSupervisor, request: CommandRequest) => Promise<unknown>>
>;

export interface CommandPipelineOptions {
  registry: VmRegistry;
  audit: CommandAudit;
  policy?: CommandPolicy | undefined;
  timeouts?: TimeoutsConfig | undefined;
  bridgeWide?: BridgeWideRunners | undefined;
  vmReads?: VmReadRunners | undefined;
  /** Bridge actions on a VM besides start, kill and stop (define, clone, delete, job control). */
  bridgeActions?: BridgeActionRunners | undefined;
}

/** An action this bridge was not given the means for (no audit log, no definitions). */
function notOffered(command: string): BridgeError {
  return new BridgeError(BridgeErrorClass.NotFound, `this bridge does not offer "${command}"`, 404);
}

/** A connection-level action to decide: who asks, on which VM, and what the audit should keep with it. */
export interface ConnectionRequest {
  vm: string;
  action: ConnectionAction;
  actor: CommandRequest['actor'];
  principal: CommandRequest['principal'];
  /** Kept by the audit with the decision (e.g. `{ console: "vnc" }`). */
  arguments?: Record<string, unknown> | undefined;
  /**
   * Further actions decided for the same connection once `action` is allowed (a console's `console.input`: may it
   * type?). Their answers come back in `also` and go into the one audit record's arguments, so a console is
   * audited once, with what it may do.
   */
  alsoDecide?: readonly ConnectionAction[] | undefined;
}

export type ConnectionDecision = PolicyDecision & { also: Partial<Record<ConnectionAction, boolean>> };

const NO_BRIDGE_WIDE_RUNNERS: BridgeWideRunners = {
  'audit.read': () => {
    throw new BridgeError(BridgeErrorClass.NotFound, 'this bridge keeps no audit log', 404);
  },
};

const NO_VM_READ_RUNNERS: VmReadRunners = {
  'hardware.read': () => {
    throw new BridgeError(BridgeErrorClass.NotFound, 'this bridge reads no hardware', 404);
  },
};

export class CommandPipeline {
  readonly #registry: VmRegistry;
  readonly #audit: CommandAudit;
  readonly #policy: CommandPolicy;
  readonly #timeouts: TimeoutsConfig | undefined;
  readonly #bridgeWide: BridgeWideRunners;
  readonly #bridgeActions: BridgeActionRunners;
  readonly #vmReads: VmReadRunners;
  #accepting = true;

  constructor(options: CommandPipelineOptions) {
    this.#registry = options.registry;
    this.#audit = options.audit;
    this.#policy = options.policy ?? allowEverything;
    this.#timeouts = options.timeouts;
    this.#bridgeWide = { ...NO_BRIDGE_WIDE_RUNNERS, ...options.bridgeWide };
    this.#bridgeActions = { ...LIFECYCLE_RUNNERS, ...options.bridgeActions };
    this.#vmReads = options.vmReads ?? NO_VM_READ_RUNNERS;
  }

  /** The policy this pipeline authorizes with. */
  get policy(): CommandPolicy {
    return this.#policy;
  }

  /** Runs one command; resolves with its answer, rejects with a `{ class, desc }` error (BridgeError or QEMU's). */
  async run(request: CommandRequest): Promise<unknown> {
    const started = performance.now();
    let outcome: CommandRecord['outcome'] = 'ok';
    let failure: unknown = null;
    let shownArguments: Record<string, unknown> | null | undefined;
    try {
      const vm = request.vm === null ? null : resolveVm(this.#registry, request, request.vm);
      refuseWhileStopping(this.#accepting);
      checkRequest(request);
      const refusal = await authorize(this.#policy, request);
      if (refusal) {
        outcome = 'refused';
        throw refusal;
      }
      if (vm === null) return await runBridgeWide(this.#bridgeWide, request);
      const timeoutMs = timeoutOf(request, vm, this.#timeouts);
      shownArguments = redactArguments(request.command, request.arguments);
      const entry = vm.inflight.begin({
        execute: request.command,
        arguments: shownArguments ?? undefined,
        actor: request.actor,
        target: request.target,
        id: request.clientCommandId,
        timeoutMs,
      });
      try {
        return await route(vm, request, timeoutMs, this.#bridgeActions, this.#vmReads);
      } finally {
        vm.inflight.complete(entry);
      }
    } catch (err) {
      if (outcome === 'ok') outcome = 'error';
      failure = err;
      throw err;
    } finally {
      this.#audit.record({
        request,
        arguments:
          shownArguments === undefined ? redactArguments(request.command, request.arguments) : shownArguments,
        outcome,
        error: failure === null ? null : toErrorBody(failure).body,
        durationMs: performance.now() - started,
      });
    }
  }

  /**
   * The pipeline's first steps only (resolve with scope, check, authorize), for an answer that does not reach the
   * VM (a cached schema); a refusal is audited like any other.
   */
  async admit(request: CommandRequest): Promise<void> {
    const started = performance.now();
    let failure: unknown = null;
    let refused = false;
    try {
      if (request.vm !== null) resolveVm(this.#registry, request, request.vm);
      checkRequest(request);
      const refusal = await authorize(this.#policy, request);
      if (refusal) {
        refused = true;
        throw refusal;
      }
    } catch (err) {
      failure = err;
      throw err;
    } finally {
      if (failure !== null) {
        this.#audit.record({
          request,
          arguments: redactArguments(request.command, request.arguments),
          outcome: refused ? 'refused' : 'error',
          error: toErrorBody(failure).body,
          durationMs: performance.now() - started,
        });
      }
    }
  }

  /**
   * Decides a connection-level action without sending anything to QEMU: resolves the VM with the caller's scope
   * (404 `VmNotFound`, the same for a VM out of scope), refuses while stopping (`ShuttingDown`), asks the policy.
   * Resolves with the decision, so a caller can take a refusal as "view only" rather than an error; rejects only
   * for the errors above. With `audit`, the decision (or the error) is recorded once, as a command of target
   * `bridge` would be.
   */
  async authorizeConnection(
    request: ConnectionRequest,
    options: { audit: boolean },
  ): Promise<ConnectionDecision> {
    const started = performance.now();
    const command: CommandRequest = {
      vm: request.vm,
      target: 'bridge',
      command: request.action,
      arguments: request.arguments,
      actor: request.actor,
      principal: request.principal,
    };
    let decision: PolicyDecision | null = null;
    const also: ConnectionDecision['also'] = {};
    let failure: unknown = null;
    try {
      resolveVm(this.#registry, command, request.vm);
      refuseWhileStopping(this.#accepting);
      decision = await decide(this.#policy, command);
      if (decision.allowed) {
        for (const action of request.alsoDecide ?? []) {
          also[action] = (await decide(this.#policy, { ...command, command: action })).allowed;
        }
      }
      return { ...decision, also };
    } catch (err) {
      failure = err;
      throw err;
    } finally {
      if (options.audit) {
        const recorded = request.alsoDecide
          ? { ...command, arguments: { ...request.arguments, ...also } }
          : command;
        this.#audit.record({
          request: recorded,
          arguments: redactArguments(recorded.command, recorded.arguments),
          ...connectionOutcome(decision, failure),
          durationMs: performance.now() - started,
        });
      }
    }
  }

  /** First step of shutdown: new commands get `ShuttingDown` while those in flight are still answered. */
  stopAccepting(): void {
    this.#accepting = false;
  }

  /** Resolves once no VM has a command in flight, or after `limitMs`. */
  async drain(limitMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, limitMs);
    });
    await Promise.race([Promise.all(this.#registry.all().map((vm) => vm.inflight.whenEmpty())), limit]);
    clearTimeout(timer);
  }
}

/** The VM, if it exists and the caller may see it; the same 404 either way, so scope reveals nothing. */
function resolveVm(registry: VmRegistry, request: CommandRequest, id: string): VmSupervisor {
  const vm = registry.get(id);
  if (!vm || !principalSees(request.principal, id)) throw vmNotFound(id);
  return vm;
}

function runBridgeWide(runners: BridgeWideRunners, request: CommandRequest): unknown {
  const runner = runners[request.command as RunnableBridgeWideAction] as
    | BridgeWideRunners[RunnableBridgeWideAction]
    | undefined;
  if (runner === undefined) {
    // Admitted only (its route answers it): not an action missing from this bridge.
    if (request.command === 'metrics.read')
      throw badRequest(`"${request.command}" is answered by its own route only`);
    throw notOffered(request.command);
  }
  return runner(request);
}

function refuseWhileStopping(accepting: boolean): void {
  if (!accepting) throw new BridgeError(BridgeErrorClass.ShuttingDown, 'the bridge is shutting down', 503);
}

/** A connection decision as the audit keeps it: refused (Forbidden), failed, or ok. */
function connectionOutcome(
  decision: PolicyDecision | null,
  failure: unknown,
): Pick<CommandRecord, 'outcome' | 'error'> {
  if (failure !== null) return { outcome: 'error', error: toErrorBody(failure).body };
  if (decision !== null && !decision.allowed) {
    return { outcome: 'refused', error: { class: BridgeErrorClass.Forbidden, desc: decision.desc } };
  }
  return { outcome: 'ok', error: null };
}

/** The policy's decision; most are immediate, and then cost no extra turn of the event loop. */
function decide(policy: CommandPolicy, request: CommandRequest): PolicyDecision | Promise<PolicyDecision> {
  return policy.decide(request);
}

/** The policy's refusal as an error to answer, or null when the command may run. */
async function authorize(policy: CommandPolicy, request: CommandRequest): Promise<BridgeError | null> {
  // A job's own step is allowed when the action that started the job is (see CommandRequest.partOf).
  const asked: CommandRequest =
    request.partOf === undefined ? request : { ...request, target: 'bridge', command: request.partOf };
  const decided = decide(policy, asked);
  // Most decisions are immediate: no extra turn of the event loop for them.
  const decision = decided instanceof Promise ? await decided : decided;
  return decision.allowed ? null : new BridgeError(BridgeErrorClass.Forbidden, decision.desc, 403);
}

/**
 * QMP commands by class (config and call may override); guest agent commands by the link's own defaults; bridge
 * actions wait for the process itself (their deadline is only shown).
 */
function timeoutOf(request: CommandRequest, vm: VmSupervisor, config: TimeoutsConfig | undefined): number {
  switch (request.target) {
    case 'qmp':
      return timeoutFor(request.command, config, request.timeoutMs);
    case 'guest':
      return vm.guestTimeoutFor(request.command, request.timeoutMs);
    case 'bridge':
      return request.timeoutMs ?? config?.lifecycle ?? DEFAULT_TIMEOUTS.lifecycle;
  }
}

function route(
  vm: VmSupervisor,
  request: CommandRequest,
  timeoutMs: number,
  actions: BridgeActionRunners,
  vmReads: VmReadRunners,
): Promise<unknown> {
  switch (request.target) {
    case 'qmp':
      return vm.executeQmp(request.command, request.arguments, timeoutMs, request.oob === true);
    case 'guest':
      return vm.executeGuest(request.command, request.arguments, timeoutMs);
    case 'bridge': {
      if (isVmReadAction(request.command)) return vmReads[request.command](vm, request);
      const runner = actions[request.command as BridgeAction];
      if (!runner) throw notOffered(request.command);
      return runner(vm, request);
    }
  }
}
