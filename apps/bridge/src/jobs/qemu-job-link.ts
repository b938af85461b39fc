/**
 * How a job talks to its VM's QEMU. Its commands (`transaction`, `snapshot-save`, `job-cancel`, `job-dismiss`...)
 * go through the command pipeline as the user who started the job, each audited and in flight (so the events
 * they cause name them), authorized as the bridge action that started it (`partOf`). Following the job's
 * progress (`query-jobs`, `query-dump`, `query-migrate` a few times a second while it runs) is the bridge's
 * housekeeping, like the run-state query after events: nobody's command, no audit row per poll.
 */
import type { Cause } from '@qmpdeck/protocol';
import type { QmpEvent } from '@qmpdeck/qmp';
import type { CommandPipeline } from '../commands/command-pipeline.ts';
import type { BridgeAction, CommandRequest } from '../commands/command-request.ts';
import type { VmSupervisor } from '../vms/vm-supervisor.ts';

/** Polls are answered at once by a QEMU that is not hung. */
const POLL_TIMEOUT_MS = 5000;

export interface QemuJobLink {
  /** The VM's id. */
  readonly vm: string;
  /** A command on the user's behalf, through the pipeline. */
  send(command: string, args?: Record<string, unknown>, timeoutMs?: number): Promise<unknown>;
  /** A housekeeping query (progress). */
  query(command: string, args?: Record<string, unknown>): Promise<unknown>;
  /** QEMU's events of this VM as they come; answers how to stop listening. */
  onEvent(listener: (event: QmpEvent) => void): () => void;
}

let nextStep = 1;

/** The link of a job started by `request` (a bridge action on `vm`). */
export function qemuJobLink(
  pipeline: CommandPipeline,
  vm: VmSupervisor,
  request: CommandRequest,
): QemuJobLink {
  const action = request.command as BridgeAction;
  return {
    vm: vm.id,
    send: (command, args, timeoutMs) =>
      pipeline.run({
        vm: vm.id,
        target: 'qmp',
        command,
        arguments: args,
        actor: { ...request.actor, origin: `${action} job` },
        principal: request.principal,
        clientCommandId: `${request.clientCommandId ?? action}.${nextStep++}`,
        partOf: action,
        timeoutMs,
      }),
    query: (command, args) => vm.qmp.execute(command, args, POLL_TIMEOUT_MS),
    onEvent: (listener) => vm.onQmpEvent(listener),
  };
}

/** The command that started a job, as the cause of its timeline events. */
export function causeOf(request: CommandRequest): Cause {
  return {
    command: request.command,
    arguments: null,
    id: request.clientCommandId ?? request.command,
    client: request.actor.client,
    user: request.actor.user,
    origin: request.actor.origin,
    remote: request.actor.remote ?? null,
  };
}
