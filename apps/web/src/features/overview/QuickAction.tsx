/**
 * The one-click action of an overview row: Start, Pause or Resume, whichever the VM's state calls for; disabled
 * with the reason when the signed-in role may not send it.
 */
import type { Vm } from '@qmpdeck/protocol';
import { useMutation } from '@tanstack/react-query';
import type { RequestError } from '../../api/request-error.ts';
import { useExecute, type VmCommand } from '../../live/useExecute.ts';
import { Button } from '../../ui/Button.tsx';
import { usePermission } from '../session/usePermission.ts';
import { commandFor } from '../vm/actions/vm-actions.ts';
import { quickActionFor } from './quick-action.ts';

export function QuickAction({ vm, bridgeReachable }: { vm: Vm; bridgeReachable: boolean }) {
  const execute = useExecute();
  const send = useMutation<unknown, RequestError, VmCommand>({ mutationFn: execute });
  const { action, enabled } = quickActionFor(vm);
  const verb = action.label;
  const command = commandFor(action, vm);
  const denied = usePermission()(command.execute).reason;
  return (
    <span className="inline-flex flex-col items-end gap-0.5">
      <Button
        aria-label={`${verb} ${vm.name}`}
        intent={action.id === 'start' ? 'primary' : 'default'}
        disabled={!bridgeReachable || !enabled || send.isPending}
        deniedReason={denied}
        onClick={() => send.mutate({ ...command, origin: `overview ${verb} button` })}
        className="w-20"
      >
        {verb}
      </Button>
      {send.isError && (
        <span role="alert" className="text-xs text-red-700 dark:text-red-400">
          {send.error.class}: {send.error.desc}
        </span>
      )}
    </span>
  );
}
