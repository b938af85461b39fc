/**
 * `hardware.read`: the Hardware tab's fixed reads (hardware/hardware-reader.ts) as ONE command of the pipeline, so
 * a look at the tab is one authorization, one in-flight entry and one audit row, not twenty. They go on the VM's
 * live QMP connection.
 *
 * Its `query-*` commands are still held to the caller's role, as if each were sent alone: the role's query rules
 * are where a deployment hides host paths (a viewer's `query-named-block-nodes` by default, `query-block` where the
 * config denies it), and `hardware.read` must not be a way around them; such a section is left out with the
 * refusal said. Its QOM reads are part of `hardware.read` itself: the bridge names every path and property (the
 * devices under /machine/peripheral, their type, MAC and netdev, the machine's type), none of which is a host path,
 * while `qom-get` at large (any property of any object) stays a command of its own that viewers may not run.
 */
import { BridgeErrorClass, type Hardware } from '@qmpdeck/protocol';
import { BridgeError } from '../bridge-error.ts';
import type { CommandPolicy } from '../commands/command-policy.ts';
import type { CommandRequest } from '../commands/command-request.ts';
import type { VmSupervisor } from '../vms/vm-supervisor.ts';
import { liveClient } from './device-actions.ts';
import { readHardware } from './hardware-reader.ts';
import type { LinkMemory } from './link-memory.ts';
import type { QueryRunner } from './query-runner.ts';

const QUERY_TIMEOUT_MS = 10_000;

export class HardwareRead {
  constructor(
    readonly policy: CommandPolicy,
    readonly links: LinkMemory,
  ) {}

  readonly runner = (vm: VmSupervisor, request: CommandRequest): Promise<Hardware> => {
    const client = liveClient(vm);
    const query: QueryRunner = async (command, args) => {
      if (!command.startsWith('query-'))
        return client.execute(command, args, { timeoutMs: QUERY_TIMEOUT_MS });
      const decided = this.policy.decide({
        ...request,
        target: 'qmp',
        command,
        arguments: args as Record<string, unknown> | undefined,
      });
      const decision = decided instanceof Promise ? await decided : decided;
      if (!decision.allowed) throw new BridgeError(BridgeErrorClass.Forbidden, decision.desc, 403);
      return client.execute(command, args, { timeoutMs: QUERY_TIMEOUT_MS });
    };
    return readHardware(query, (names) => this.links.linkOf(vm.id, names));
  };
}
