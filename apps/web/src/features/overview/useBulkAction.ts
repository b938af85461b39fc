/**
 * Pause or Resume for several VMs at once, each VM's outcome kept apart so the
 * overview can say which succeeded and which failed and why.
 */
import { useState } from 'react';
import { toRequestError } from '../../api/request-error.ts';
import { useExecute } from '../../live/useExecute.ts';

export type BulkOutcome = { state: 'pending' } | { state: 'done' } | { state: 'failed'; message: string };

export function useBulkAction() {
  const execute = useExecute();
  const [outcomes, setOutcomes] = useState<ReadonlyMap<string, BulkOutcome>>(new Map());
  const set = (vm: string, outcome: BulkOutcome) =>
    setOutcomes((current) => new Map(current).set(vm, outcome));

  const run = (vmIds: readonly string[], command: 'stop' | 'cont', origin: string) => {
    setOutcomes(new Map(vmIds.map((id) => [id, { state: 'pending' }])));
    return Promise.all(
      vmIds.map(async (vm) => {
        try {
          await execute({ vm, execute: command, origin });
          set(vm, { state: 'done' });
        } catch (error) {
          const problem = toRequestError(error);
          set(vm, { state: 'failed', message: `${problem.class}: ${problem.desc}` });
        }
      }),
    );
  };
  return { outcomes, run, clear: () => setOutcomes(new Map()) };
}
