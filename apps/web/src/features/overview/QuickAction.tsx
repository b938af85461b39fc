/** The one-click Pause or Resume of an overview row, whichever the VM's state allows. */
import type { Vm } from '@qmpdeck/protocol';
import { useExecute } from '../../live/useExecute.ts';
import { Button } from '../../ui/Button.tsx';
import { VM_ACTIONS } from '../vm/actions/vm-actions.ts';

const resume = VM_ACTIONS.find((action) => action.id === 'resume');
const pause = VM_ACTIONS.find((action) => action.id === 'pause');

export function QuickAction({ vm }: { vm: Vm }) {
  const execute = useExecute();
  const canPause = pause?.enabled(vm) ?? false;
  const canResume = resume?.enabled(vm) ?? false;
  const verb = canPause ? 'Pause' : 'Resume';
  return (
    <span className="inline-flex flex-col items-end gap-0.5">
      <Button
        aria-label={`${verb} ${vm.name}`}
        disabled={(!canPause && !canResume) || execute.isPending}
        onClick={() =>
          execute.mutate({
            vm: vm.id,
            execute: canPause ? 'stop' : 'cont',
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
