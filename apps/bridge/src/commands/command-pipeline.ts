/**
 * THE ONE PLACE EVERY COMMAND PASSES. Whatever reaches a VM on behalf of a person goes through `run()`: a
 * WebSocket `execute` (QMP or `target: "guest"`), `POST /api/vms/:id/execute`, `.../guest/execute`, start and
 * kill of managed VMs, the schema route's fetch, and later consoles, jobs, bulk actions and the QMP proxy. Each
 * step is a small named function:
 *
 *   resolve the VM -> refuse while stopping -> check the request -> AUTHORIZE (CommandPolicy) -> apply the timeout
 *   -> record in flight (and so the cause of its events) -> route to QMP / the guest agent / a bridge action
 *   -> AUDIT (CommandAudit), whatever the outcome
 *
 * Connection-level actions (opening a console: `console.view`; may that connection type: `console.input`,
 * `serial.input`) pass `authorizeConnection()`: the same resolve, refusal while stopping, policy and audit, and
 * nothing sent to QEMU. A console is audited once per connection, never per key.
 *
 * The bridge's own housekeeping does not pass here: the run-state query after events, the guest link's heartbeat
 * and reads, autostart and shutdown of managed VMs. They are not anybody's command, cause no events and need no
 * permission (see docs/architecture.md).
 */
import { BridgeErrorClass } from '@qmpdeck/protocol';
import { BridgeError, toErrorBody, vmNotFound } from '../bridge-error.ts';
import type { TimeoutsConfig } from '../config/schema.ts';
import type { VmRegistry } from '../vms/vm-registry.ts';
import type { VmSupervisor } from '../vms/vm-supervisor.ts';
import { BRIDGE_ACTION_RUNNERS } from './bridge-actions.ts';
import { checkRequest } from './check-request.ts';
import type { CommandAudit, CommandRecord } from './command-audit.ts';
import { allowEverything, type CommandPolicy, type PolicyDecision } from './command-policy.ts';
import type { BridgeAction, CommandRequest, ConnectionAction } from './command-request.ts';
import { DEFAULT_TIMEOUTS, timeoutFor } from './timeouts.ts';

export interface CommandPipelineOptions {
  registry: VmRegistry;
  audit: CommandAudit;
  policy?: CommandPolicy | undefined;
  timeouts?: TimeoutsConfig | undefined;
}

/** A connection-level action to decide: who asks, on which VM, and what the audit should keep with it. */
export interface ConnectionRequest {
  vm: string;
  action: ConnectionAction;
  actor: CommandRequest['actor'];
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

export class CommandPipeline {
  readonly #registry: VmRegistry;
  readonly #audit: CommandAudit;
  readonly #policy: CommandPolicy;
  readonly #timeouts: TimeoutsConfig | undefined;
  #accepting = true;

  constructor(options: CommandPipelineOptions) {
    this.#registry = options.registry;
    this.#audit = options.audit;
    this.#policy = options.policy ?? allowEverything;
    this.#timeouts = options.timeouts;
  }

  /** Runs one command; resolves with its answer, rejects with a `{ class, desc }` error (BridgeError or QEMU's). */
  async run(request: CommandRequest): Promise<unknown> {
    const started = performance.now();
    let outcome: CommandRecord['outcome'] = 'ok';
    let failure: unknown = null;
    try {
      const vm = resolveVm(this.#registry, request);
      refuseWhileStopping(this.#accepting);
      checkRequest(request);
      const refusal = await authorize(this.#policy, request);
      if (refusal) {
        outcome = 'refused';
        throw refusal;
      }
      const timeoutMs = timeoutOf(request, vm, this.#timeouts);
      const entry = vm.inflight.begin({
        execute: request.command,
        arguments: request.arguments,
        actor: request.actor,
        target: request.target,
        id: request.clientCommandId,
        timeoutMs,
      });
      try {
        return await route(vm, request, timeoutMs);
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
        outcome,
        error: failure === null ? null : toErrorBody(failure).body,
        durationMs: performance.now() - started,
      });
    }
  }

  /**
   * Decides a connection-level action without sending anything to QEMU: resolves the VM (404 `VmNotFound`, also
   * for a VM the policy hides), refuses while stopping (`ShuttingDown`), asks the policy. Resolves with the
   * decision, so a caller can take a refusal as "view only" rather than an error; rejects only for the errors
   * above. With `audit`, the decision (or the error) is recorded once, as a command of target `bridge` would be.
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
    };
    let decision: PolicyDecision | null = null;
    const also: ConnectionDecision['also'] = {};
    let failure: unknown = null;
    try {
      resolveVm(this.#registry, command);
      refuseWhileStopping(this.#accepting);
      decision = await decide(this.#policy, command);
      if (!decision.allowed && decision.hidden === true) throw vmNotFound(request.vm);
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
        this.#audit.record({
          request: request.alsoDecide
            ? { ...command, arguments: { ...request.arguments, ...also } }
            : command,
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

function resolveVm(registry: VmRegistry, request: CommandRequest): VmSupervisor {
  const vm = registry.get(request.vm);
  if (!vm) throw vmNotFound(request.vm);
  return vm;
}

function refuseWhileStopping(accepting: boolean): void {
  if (!accepting) throw new BridgeError(BridgeErrorClass.ShuttingDown, 'the bridge is shutting down', 503);
}

/** A connection decision as the audit keeps it: refused (Forbidden, or VmNotFound when hidden), failed, or ok. */
function connectionOutcome(
  decision: PolicyDecision | null,
  failure: unknown,
): Pick<CommandRecord, 'outcome' | 'error'> {
  if (failure !== null) {
    const refused = decision !== null && !decision.allowed;
    return { outcome: refused ? 'refused' : 'error', error: toErrorBody(failure).body };
  }
  if (decision !== null && !decision.allowed) {
    return { outcome: 'refused', error: { class: BridgeErrorClass.Forbidden, desc: decision.desc } };
  }
  return { outcome: 'ok', error: null };
}

/** The policy's decision; most are immediate, and then cost no extra turn of the event loop. */
function decide(policy: CommandPolicy, request: CommandRequest): PolicyDecision | Promise<PolicyDecision> {
  return policy.decide(request);
}

/**
 * The policy's refusal as an error to answer, or null when the command may run: `Forbidden`, or `VmNotFound` for
 * a VM outside the actor's scope (the policy says `hidden`).
 */
async function authorize(policy: CommandPolicy, request: CommandRequest): Promise<BridgeError | null> {
  const decided = decide(policy, request);
  const decision = decided instanceof Promise ? await decided : decided;
  if (decision.allowed) return null;
  if (decision.hidden === true) return vmNotFound(request.vm);
  return new BridgeError(BridgeErrorClass.Forbidden, decision.desc, 403);
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

function route(vm: VmSupervisor, request: CommandRequest, timeoutMs: number): Promise<unknown> {
  switch (request.target) {
    case 'qmp':
      return vm.executeQmp(request.command, request.arguments, timeoutMs);
    case 'guest':
      return vm.executeGuest(request.command, request.arguments, timeoutMs);
    case 'bridge':
      return BRIDGE_ACTION_RUNNERS[request.command as BridgeAction](vm);
  }
}
