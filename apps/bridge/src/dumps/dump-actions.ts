/**
 * `vm.dump`: a memory dump of the guest for debugging, as a job: `dump-guest-memory` with `detach` (the monitor
 * stays free), ELF, no paging, written by QEMU into the dump location; progress from `query-dump`. A failed dump's
 * file is removed. With `{ remove: name }` the same action deletes one of the VM's dumps (who may dump may
 * delete; the deletion is audited like the dump).
 */
import { rmSync } from 'node:fs';
import { z } from 'zod';
import { badRequest } from '../bridge-error.ts';
import type { BridgeActionRunners } from '../commands/bridge-actions.ts';
import type { StorageConfig } from '../config/schema.ts';
import { followDump } from '../jobs/follow-dump.ts';
import type { VmJobActions } from '../jobs/vm-job-actions.ts';
import { dumpLocation, dumpPath, existingDump, newDumpName } from './dump-files.ts';

const DumpArguments = z.strictObject({ remove: z.string().min(1).max(255).optional() });

export function dumpRunners(actions: VmJobActions, storage: readonly StorageConfig[]): BridgeActionRunners {
  return {
    'vm.dump': async (vm, request) => {
      const parsed = DumpArguments.safeParse(request.arguments ?? {});
      if (!parsed.success)
        throw badRequest(`invalid vm.dump request: ${parsed.error.issues[0]?.message ?? ''}`);
      if (parsed.data.remove !== undefined) {
        rmSync(existingDump(storage, vm.id, parsed.data.remove));
        return { removed: parsed.data.remove };
      }
      const location = dumpLocation(storage);
      const name = newDumpName(vm.id);
      const path = dumpPath(location, name);
      return actions.startJob(
        vm,
        request,
        {
          kind: 'dump',
          description: `Memory dump of ${vm.id} to ${location.id}:${name}`,
          cancellable: false,
        },
        async (link, progress) => {
          try {
            await link.send('dump-guest-memory', { paging: false, protocol: `file:${path}`, detach: true });
            await followDump(link, progress);
          } catch (err) {
            rmSync(path, { force: true });
            throw err;
          }
        },
      );
    },
  };
}
