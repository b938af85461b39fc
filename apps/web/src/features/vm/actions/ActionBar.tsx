/**
 * The VM page's action buttons, enabled by what the VM's state allows, each
 * confirming first when it can lose guest state, and the outcome of the last
 * action said in words (read out by screen readers too).
 */
import type { Vm } from '@qmpdeck/protocol';
import { useMutation } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { type RequestError, toRequestError } from '../../../api/request-error.ts';
import { killVm, startVm } from '../../../api/vms.ts';
import { useLiveSocket } from '../../../live/LiveProvider.tsx';
import { useLiveState } from '../../../live/useLiveState.ts';
import { Button } from '../../../ui/Button.tsx';
import { ConfirmDialog } from '../../../ui/ConfirmDialog.tsx';
import { actionsFor, qmpCommandFor, type VmAction } from './vm-actions.ts';

/** An action as pressed: with the QMP command chosen for the state the VM was in at that moment. */
interface PressedAction {
  action: VmAction;
  command: string | null;
}

function useRunAction(vm: Vm) {
  const socket = useLiveSocket();
  return useMutation<unknown, RequestError, PressedAction>({
    mutationFn: async ({ action, command }) => {
      try {
        if (command !== null)
          return await socket.execute({ vm: vm.id, execute: command, origin: action.origin });
        if ('route' in action.run)
          return await (action.run.route === 'start' ? startVm(vm.id) : killVm(vm.id));
        throw new Error(`${action.label} has no command for this VM`);
      } catch (error) {
        throw toRequestError(error);
      }
    },
  });
}

/** `status` is shown on the line of the last action's outcome (the header puts the commands in flight there). */
export function ActionBar({ vm, status }: { vm: Vm; status?: ReactNode }) {
  const run = useRunAction(vm);
  // Without the socket nothing can be sent, and Start/Kill would act on a state this tab cannot see.
  const bridgeReachable = useLiveState().status === 'open';
  const [confirming, setConfirming] = useState<VmAction | null>(null);
  const press = (action: VmAction) => run.mutate({ action, command: qmpCommandFor(action, vm) });
  const trigger = (action: VmAction) => (action.confirm ? setConfirming(action) : press(action));
  const last = run.variables;
  return (
    <div className="flex flex-col gap-2">
      <div className="flex flex-wrap gap-2" role="toolbar" aria-label="VM actions">
        {actionsFor(vm).map((action) => (
          <Button
            key={action.id}
            intent={action.intent}
            disabled={!bridgeReachable || !action.enabled(vm) || run.isPending}
            onClick={() => trigger(action)}
          >
            {action.label}
          </Button>
        ))}
      </div>
      <div className="flex min-w-0 flex-wrap items-baseline gap-x-6 gap-y-1">
        {status}
        <p className="min-h-5 min-w-0 text-sm" role="status" data-testid="action-result">
          {last && run.isPending && <span className="text-zinc-500">{last.action.label}: sending…</span>}
          {last && run.isSuccess && (
            <span className="text-emerald-700 dark:text-emerald-400">
              {last.action.label}: done{last.command ? ` (${last.command})` : ''}
            </span>
          )}
          {last && run.isError && (
            <span className="text-red-700 dark:text-red-400">
              {last.action.label} failed: {run.error.class}: {run.error.desc}
            </span>
          )}
        </p>
      </div>
      <ConfirmDialog
        open={confirming !== null}
        title={confirming?.confirm?.title ?? ''}
        confirmLabel={confirming?.confirm?.confirmLabel ?? 'Confirm'}
        onCancel={() => setConfirming(null)}
        onConfirm={() => {
          if (confirming) press(confirming);
          setConfirming(null);
        }}
      >
        <p>{confirming?.confirm?.body}</p>
        <p className="mt-2 font-medium">{vm.name}</p>
      </ConfirmDialog>
    </div>
  );
}
