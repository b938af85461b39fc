/** The one-click Pause or Resume of an overview row, whichever the VM's state allows. */
import type { Vm } from '@qmpdeck/protocol';
import { useExecute } from '../../live/useExecute.ts';
import { Button } from '../../ui/Button.tsx';
import { qmpCommandFor, VM_ACTIONS } from '../vm/actions/vm-actions.ts';

const resume = VM_ACTIONS.find((action) => action.id === 'resume');
const pause = VM_ACTIONS.find((action) => action.id === 'pause');

export function QuickAction({ vm }: { vm: Vm }) {
  const execute = useExecute();
  const canResume = resume?.enabled(vm) ?? false;
  // A sleeping (S3) guest could be paused too, but waking it is the one-click action people look for.
  const canPause = (pause?.enabled(vm) ?? false) && !(vm.status === 'suspended' && canResume);
  const verb = canPause ? 'Pause' : 'Resume';
  const command = canPause ? 'stop' : resume ? (qmpCommandFor(resume, vm) ?? 'cont') : 'cont';
  return (
    <span className="inline-flex flex-col items-end gap-0.5">
      <Button
        aria-label={`${verb} ${vm.name}`}
        disabled={(!canPause && !canResume) || execute.isPending}
        onClick={() =>
          execute.mutate({
            vm: vm.id,
            execute: command,
            origin: `overview ${verb} button`,
          })
        }
        className="w-20"
      >
        {verb}
      </Button>
      {execute.isError && (
        <span role="alert" className="text-xs text-red-700 dark:text-red-400">
          {execute.error.class}: {execute.error.desc}
        </span>
      )}
    </span>
  );
}
