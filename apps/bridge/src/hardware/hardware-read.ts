/**
 * `hardware.read`: the Hardware tab's fixed queries (hardware/hardware-reader.ts) as ONE command of the pipeline,
 * so a look at the tab is one authorization, one in-flight entry and one audit row, not twenty. Its queries go on
 * the VM's live QMP connection, each still held to the caller's role: a query the role may not run on its own
 * (a viewer's `query-named-block-nodes`, which shows host paths) leaves its section out with the refusal said,
 * exactly as when each query passed the pipeline by itself.
 */
import { BridgeErrorClass, type Hardware } from '@qmpdeck/protocol';
import { BridgeError } from '../bridge-error.ts';
import type { CommandPolicy } from '../commands/command-policy.ts';
import type { CommandRequest } from '../commands/command-request.ts';
import type { VmSupervisor } from '../vms/vm-supervisor.ts';
import { liveClient } from './device-actions.ts';
import { type QueryRunner, readHardware } from './hardware-reader.ts';
import type { LinkMemory } from './link-memory.ts';

const QUERY_TIMEOUT_MS = 10_000;

export class HardwareRead {
  constructor(
    readonly policy: CommandPolicy,
    readonly links: LinkMemory,
  ) {}

  readonly runner = (vm: VmSupervisor, request: CommandRequest): Promise<Hardware> => {
    const client = liveClient(vm);
    const query: QueryRunner = async (command, args) => {
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
