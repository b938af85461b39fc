/**
 * THE ONE PLACE EVERY COMMAND PASSES. Whatever reaches a VM on behalf of a person goes through `run()`: a
 * WebSocket `execute` (QMP or `target: "guest"`), `POST /api/vms/:id/execute`, `.../guest/execute`, start and
 * kill of managed VMs, the schema route's fetch, and later consoles, jobs, bulk actions and the QMP proxy. Each
 * step is a small named function:
 *
 *   resolve the VM (and the caller's VM SCOPE: a VM out of scope is not found) -> refuse while stopping -> check
 *   the request -> AUTHORIZE (CommandPolicy: the caller's role) -> apply the timeout -> record in flight (and so
 *   the cause of its events; arguments with secrets redacted) -> route to QMP / the guest agent / a bridge action
 *   -> AUDIT (CommandAudit), whatever the outcome
 *
 * A bridge-wide action (`audit.read`, `vm: null`) skips the VM's steps and runs the same checks, policy and audit.
 *
 * The bridge's own housekeeping does not pass here: the run-state query after events, the guest link's heartbeat
 * and reads, autostart and shutdown of managed VMs. They are not anybody's command, cause no events and need no
 * permission (see docs/architecture.md).
 */
import { BridgeErrorClass } from '@qmpdeck/protocol';
import { redactArguments } from '../audit/redact-arguments.ts';
import { principalSees } from '../auth/principal.ts';
import { BridgeError, toErrorBody, vmNotFound } from '../bridge-error.ts';
import type { TimeoutsConfig } from '../config/schema.ts';
import type { VmRegistry } from '../vms/vm-registry.ts';
import type { VmSupervisor } from '../vms/vm-supervisor.ts';
import { type BridgeActionRunners, LIFECYCLE_RUNNERS } from './bridge-actions.ts';
import { checkRequest } from './check-request.ts';
import type { CommandAudit, CommandRecord } from './command-audit.ts';
import { allowEverything, type CommandPolicy } from './command-policy.ts';
import type { BridgeAction, BridgeWideAction, CommandRequest } from './command-request.ts';
import { DEFAULT_TIMEOUTS, timeoutFor } from './timeouts.ts';

/** What the bridge-wide actions do; given by the server, which owns what they read. */
export type BridgeWideRunners = Readonly<
  Partial<Record<BridgeWideAction, (request: CommandRequest) => unknown>>
>;

export interface CommandPipelineOptions {
  registry: VmRegistry;
  audit: CommandAudit;
  policy?: CommandPolicy | undefined;
  timeouts?: TimeoutsConfig | undefined;
  bridgeWide?: BridgeWideRunners | undefined;
  /** Bridge actions on a VM besides start, kill and stop (define, clone, delete, job control). */
  bridgeActions?: BridgeActionRunners | undefined;
}

/** An action this bridge was not given the means for (no audit log, no definitions). */
function notOffered(command: string): BridgeError {
  return new BridgeError(BridgeErrorClass.NotFound, `this bridge does not offer "${command}"`, 404);
}

export class CommandPipeline {
  readonly #registry: VmRegistry;
  readonly #audit: CommandAudit;
  readonly #policy: CommandPolicy;
  readonly #timeouts: TimeoutsConfig | undefined;
  readonly #bridgeWide: BridgeWideRunners;
  readonly #bridgeActions: BridgeActionRunners;
  #accepting = true;

  constructor(options: CommandPipelineOptions) {
    this.#registry = options.registry;
    this.#audit = options.audit;
    this.#policy = options.policy ?? allowEverything;
    this.#timeouts = options.timeouts;
    this.#bridgeWide = options.bridgeWide ?? {};
    this.#bridgeActions = { ...LIFECYCLE_RUNNERS, ...options.bridgeActions };
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
      if (vm === null) {
        const runner = this.#bridgeWide[request.command as BridgeWideAction];
        if (!runner) throw notOffered(request.command);
        return await runner(request);
      }
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
        return await route(vm, request, timeoutMs, this.#bridgeActions);
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

function refuseWhileStopping(accepting: boolean): void {
  if (!accepting) throw new BridgeError(BridgeErrorClass.ShuttingDown, 'the bridge is shutting down', 503);
}

/** The policy's refusal as an error to answer, or null when the command may run. */
async function authorize(policy: CommandPolicy, request: CommandRequest): Promise<BridgeError | null> {
  // A job's own step is allowed when the action that started the job is (see CommandRequest.partOf).
  const asked: CommandRequest =
    request.partOf === undefined ? request : { ...request, target: 'bridge', command: request.partOf };
  const decided = policy.decide(asked);
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
): Promise<unknown> {
  switch (request.target) {
    case 'qmp':
      return vm.executeQmp(request.command, request.arguments, timeoutMs);
    case 'guest':
      return vm.executeGuest(request.command, request.arguments, timeoutMs);
    case 'bridge': {
      const runner = actions[request.command as BridgeAction];
      if (!runner) throw notOffered(request.command);
      return runner(vm, request);
    }
  }
}
