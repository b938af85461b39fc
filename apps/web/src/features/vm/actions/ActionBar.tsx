/**
 * The VM page's action buttons, enabled by what the VM's state allows and
 * offered only when the signed-in role may send their command (else disabled
 * with the reason), each confirming first when it can lose guest state, and
 * the outcome of the last action said in words (read out by screen readers too).
 */
import type { Vm } from '@qmpdeck/protocol';
import { useMutation } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import type { RequestError } from '../../../api/request-error.ts';
import { useExecute, type VmCommand } from '../../../live/useExecute.ts';
import { useLiveState } from '../../../live/useLiveState.ts';
import { Button } from '../../../ui/Button.tsx';
import { ConfirmDialog } from '../../../ui/ConfirmDialog.tsx';
import { usePermission } from '../../session/usePermission.ts';
import { CloneButton } from './CloneButton.tsx';
import { DeleteButton } from './DeleteButton.tsx';
import { commandFor, isBridgeAction, shownActions, type VmAction } from './vm-actions.ts';

/** An action as pressed: with the command chosen for the state the VM was in at that moment. */
interface PressedAction {
  action: VmAction;
  command: VmCommand;
}

function useActionRunner() {
  const execute = useExecute();
  return useMutation<unknown, RequestError, PressedAction>({
    mutationFn: ({ command }) => execute(command),
  });
}

/** `status` is shown on the line of the last action's outcome (the header puts the commands in flight there). */
export function ActionBar({ vm, status }: { vm: Vm; status?: ReactNode }) {
  // Two runners: one command at a time through QEMU's monitor, and the bridge's own actions beside it, so Kill
  // stays available exactly when the monitor hangs on a command (Kill does not go through the monitor).
  const monitor = useActionRunner();
  const bridge = useActionRunner();
  const [lastRunner, setLastRunner] = useState<'monitor' | 'bridge'>('monitor');
  const runnerOf = (action: VmAction) => (isBridgeAction(action) ? bridge : monitor);
  // Without the socket nothing can be sent, and Start/Kill would act on a state this tab cannot see.
  const bridgeReachable = useLiveState().status === 'open';
  const [confirming, setConfirming] = useState<VmAction | null>(null);
  const can = usePermission();
  const deniedReason = (action: VmAction) => can(commandFor(action, vm).execute).reason;
  const press = (action: VmAction) => {
    if (deniedReason(action)) return;
    setLastRunner(isBridgeAction(action) ? 'bridge' : 'monitor');
    runnerOf(action).mutate({ action, command: commandFor(action, vm) });
  };
  const trigger = (action: VmAction) => (action.confirm ? setConfirming(action) : press(action));
  const run = lastRunner === 'bridge' ? bridge : monitor;
  const last = run.variables;
  const sentName = (pressed: PressedAction) =>
    pressed.command.target === 'bridge' ? '' : ` (${pressed.command.execute})`;
  return (
    <div className="flex flex-col gap-2">
      <div className="flex flex-wrap gap-1.5 sm:gap-2" role="toolbar" aria-label="VM actions">
        {shownActions(vm).map((action) => (
          <Button
            key={action.id}
            intent={action.intent}
            size="compact"
            disabled={!bridgeReachable || !action.enabled(vm) || runnerOf(action).isPending}
            deniedReason={deniedReason(action)}
            onClick={() => trigger(action)}
          >
            {action.label}
          </Button>
        ))}
        {/* VMs the bridge defined (not those of the config file) can be copied and removed. */}
        {vm.origin === 'defined' && (
          <>
            <CloneButton vm={vm} />
            <DeleteButton vm={vm} />
          </>
        )}
      </div>
      <div className="flex min-w-0 flex-wrap items-baseline gap-x-6 gap-y-1">
        {status}
        <p className="min-h-5 min-w-0 text-sm" role="status" data-testid="action-result">
          {last && run.isPending && <span className="text-zinc-500">{last.action.label}: sending…</span>}
          {last && run.isSuccess && (
            <span className="text-emerald-700 dark:text-emerald-400">
              {last.action.label}: done{sentName(last)}
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
